import { DetectFacesCommand, DetectLabelsCommand, DetectModerationLabelsCommand, DetectTextCommand, RekognitionClient, ThrottlingException, type TextDetection } from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import { LimitExceededError, MediaError, TEXT_MAX_LENGTH, ValidationError } from '@mediaflow/domain';
import { countFaces, cutText, readingOrder, RekognitionTagger, RekognitionTextReader } from './rekognition.js';

const rekognition = mockClient(RekognitionClient);
const client = new RekognitionClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
const noWait = { wait: async () => undefined, random: () => 0 };
const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

function throttling(): ThrottlingException {
  return new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
}

beforeEach(() => {
  rekognition.reset();
  rekognition.on(DetectLabelsCommand).resolves({ Labels: [] });
  rekognition.on(DetectModerationLabelsCommand).resolves({ ModerationLabels: [] });
  rekognition.on(DetectFacesCommand).resolves({ FaceDetails: [] });
  rekognition.on(DetectTextCommand).resolves({ TextDetections: [] });
});

describe('RekognitionTagger', () => {
  it('asks for labels and moderation labels with the configured limits', async () => {
    const tagger = new RekognitionTagger({ maxLabels: 25, minConfidence: 0.65, moderationMinConfidence: 0.4 }, client, noWait);
    await tagger.detect({ kind: 'image', bytes });
    expect(rekognition.commandCalls(DetectLabelsCommand).map((c) => c.args[0].input)).toEqual([
      { Image: { Bytes: bytes }, MaxLabels: 25, MinConfidence: 65 },
    ]);
    expect(rekognition.commandCalls(DetectModerationLabelsCommand).map((c) => c.args[0].input)).toEqual([{ Image: { Bytes: bytes }, MinConfidence: 40 }]);
    expect(rekognition.commandCalls(DetectFacesCommand).map((c) => c.args[0].input)).toEqual([{ Image: { Bytes: bytes }, Attributes: ['DEFAULT'] }]);
  });

  it('maps confidences to 0..1 and keeps parents', async () => {
    rekognition.on(DetectLabelsCommand).resolves({
      Labels: [
        { Name: 'Dog', Confidence: 98.5, Parents: [{ Name: 'Animal' }, { Name: 'Pet' }] },
        { Name: 'Grass', Confidence: 71, Parents: [] },
        { Confidence: 99 },
      ],
    });
    rekognition.on(DetectModerationLabelsCommand).resolves({
      ModerationLabels: [
        { Name: 'Suggestive', Confidence: 80, ParentName: '' },
        { Name: 'Swimwear or Underwear', Confidence: 75, ParentName: 'Suggestive' },
      ],
    });
    const result = await new RekognitionTagger({}, client, noWait).detect({ kind: 'image', bytes });
    expect(result).toEqual({
      labels: [
        { name: 'Dog', confidence: 0.985, parents: ['Animal', 'Pet'] },
        { name: 'Grass', confidence: 0.71 },
      ],
      moderation: [
        { name: 'Suggestive', confidence: 0.8 },
        { name: 'Swimwear or Underwear', confidence: 0.75, parent: 'Suggestive' },
      ],
      faces: 0,
    });
  });

  it('counts the faces DetectFaces is sure of, and keeps nothing else of them', async () => {
    rekognition.on(DetectFacesCommand).resolves({
      FaceDetails: [
        { Confidence: 99.9, BoundingBox: { Top: 0.1, Left: 0.1, Width: 0.2, Height: 0.3 }, Landmarks: [{ Type: 'eyeLeft', X: 0.15, Y: 0.2 }] },
        { Confidence: 93 },
        { Confidence: 61 },
      ],
    });
    const result = await new RekognitionTagger({}, client, noWait).detect({ kind: 'image', bytes });
    expect(result.faces).toBe(2);
    expect(JSON.stringify(result)).not.toContain('eyeLeft');
    expect(await new RekognitionTagger({ faceMinConfidence: 0.5 }, client, noWait).detect({ kind: 'image', bytes })).toMatchObject({ faces: 3 });
    expect(countFaces(undefined, 0.9)).toBe(0);
  });

  it('asks for no faces when told not to count them', async () => {
    const result = await new RekognitionTagger({ faces: false }, client, noWait).detect({ kind: 'image', bytes });
    expect(result).toEqual({ labels: [], moderation: [] });
    expect(rekognition.commandCalls(DetectFacesCommand)).toHaveLength(0);
  });

  it('retries a throttled DetectFaces like the other calls', async () => {
    rekognition.on(DetectFacesCommand).rejectsOnce(throttling()).rejectsOnce(throttling()).resolves({ FaceDetails: [{ Confidence: 99 }] });
    const waits: number[] = [];
    const tagger = new RekognitionTagger({ retry: { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 } }, client, { random: () => 0.5, wait: async (ms) => void waits.push(ms) });
    expect((await tagger.detect({ kind: 'image', bytes })).faces).toBe(1);
    expect(rekognition.commandCalls(DetectFacesCommand)).toHaveLength(3);
    expect(waits).toEqual([50, 100]);
  });

  it('sends small images inline and large ones by S3 reference', async () => {
    const tagger = new RekognitionTagger({ bucket: 'media-renditions', inlineMaxBytes: 4 }, client, noWait);
    expect(tagger.imageOf({ kind: 'image', bytes: bytes.subarray(0, 3), objectKey: 'renditions/o/m/large.jpeg' })).toEqual({ Bytes: bytes.subarray(0, 3) });
    await tagger.detect({ kind: 'image', bytes, objectKey: 'renditions/o/m/large.jpeg' });
    const image = { S3Object: { Bucket: 'media-renditions', Name: 'renditions/o/m/large.jpeg' } };
    expect(rekognition.commandCalls(DetectLabelsCommand)[0]?.args[0].input.Image).toEqual(image);
    expect(rekognition.commandCalls(DetectModerationLabelsCommand)[0]?.args[0].input.Image).toEqual(image);
    expect(rekognition.commandCalls(DetectFacesCommand)[0]?.args[0].input.Image).toEqual(image);
  });

  it('uses the S3 object when no bytes are given, and needs one or the other', async () => {
    const tagger = new RekognitionTagger({ bucket: 'media-renditions' }, client, noWait);
    expect(tagger.imageOf({ kind: 'image', objectKey: 'k' })).toEqual({ S3Object: { Bucket: 'media-renditions', Name: 'k' } });
    await expect(new RekognitionTagger({}, client, noWait).detect({ kind: 'image', objectKey: 'k' })).rejects.toBeInstanceOf(ValidationError);
    const big = new RekognitionTagger({ inlineMaxBytes: 4 }, client, noWait);
    await expect(big.detect({ kind: 'image', bytes })).rejects.toBeInstanceOf(LimitExceededError);
    expect(rekognition.calls()).toHaveLength(0);
  });

  it('retries throttling and server errors, then succeeds', async () => {
    rekognition
      .on(DetectLabelsCommand)
      .rejectsOnce(throttling())
      .rejectsOnce(Object.assign(new Error('internal'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }))
      .resolves({ Labels: [{ Name: 'Car', Confidence: 90 }] });
    const waits: number[] = [];
    const tagger = new RekognitionTagger({ retry: { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 } }, client, {
      random: () => 0.5,
      wait: async (ms) => void waits.push(ms),
    });
    const result = await tagger.detect({ kind: 'image', bytes });
    expect(result.labels).toEqual([{ name: 'Car', confidence: 0.9 }]);
    expect(rekognition.commandCalls(DetectLabelsCommand)).toHaveLength(3);
    expect(waits).toEqual([50, 100]);
  });

  it('fails with a retryable domain error when the retries run out', async () => {
    rekognition.on(DetectModerationLabelsCommand).rejects(throttling());
    const tagger = new RekognitionTagger({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } }, client, noWait);
    const error: unknown = await tagger.detect({ kind: 'image', bytes }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect(error).toMatchObject({ code: 'internal', details: { retryable: true, service: 'ThrottlingException' } });
    expect(rekognition.commandCalls(DetectModerationLabelsCommand)).toHaveLength(3);
  });

  it('does not retry a bad image', async () => {
    rekognition.on(DetectLabelsCommand).rejects(Object.assign(new Error('bad'), { name: 'InvalidImageFormatException', $metadata: { httpStatusCode: 400 } }));
    await expect(new RekognitionTagger({}, client, noWait).detect({ kind: 'image', bytes })).rejects.toMatchObject({ code: 'unsupported' });
    expect(rekognition.commandCalls(DetectLabelsCommand)).toHaveLength(1);
  });

  it('keeps at most maxConcurrency calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
    };
    rekognition.on(DetectLabelsCommand).callsFake(async () => (await slow(), { Labels: [] }));
    rekognition.on(DetectModerationLabelsCommand).callsFake(async () => (await slow(), { ModerationLabels: [] }));
    rekognition.on(DetectFacesCommand).callsFake(async () => (await slow(), { FaceDetails: [] }));
    const tagger = new RekognitionTagger({ maxConcurrency: 3 }, client, noWait);
    await Promise.all(Array.from({ length: 8 }, () => tagger.detect({ kind: 'image', bytes })));
    expect(rekognition.calls()).toHaveLength(24);
    expect(most).toBe(3);
  });

  it('stops when the signal aborts', async () => {
    await expect(new RekognitionTagger({}, client, noWait).detect({ kind: 'image', bytes }, AbortSignal.abort(new Error('cancelled')))).rejects.toThrow('cancelled');
    expect(rekognition.calls()).toHaveLength(0);

    const controller = new AbortController();
    rekognition.on(DetectLabelsCommand).rejects(throttling());
    const tagger = new RekognitionTagger({ retry: { attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 } }, client, { random: () => 1 });
    const pending = tagger.detect({ kind: 'image', bytes }, controller.signal);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
  });
});

function line(text: string, confidence: number, top: number, left: number, height = 0.05): TextDetection {
  return { DetectedText: text, Type: 'LINE', Confidence: confidence, Geometry: { BoundingBox: { Top: top, Left: left, Width: 0.2, Height: height } } };
}

describe('RekognitionTextReader', () => {
  it('keeps confident lines (not their words) in reading order, one per line', async () => {
    rekognition.on(DetectTextCommand).resolves({
      TextDetections: [
        line('CLOSED ON SUNDAYS', 97, 0.62, 0.1),
        line('OPEN', 99, 0.2, 0.55),
        line('BAKERY', 99.5, 0.21, 0.1),
        line('brickwork', 55, 0.9, 0.1),
        { DetectedText: 'BAKERY', Type: 'WORD', Confidence: 99.5, ParentId: 1 },
        { DetectedText: 'OPEN', Type: 'WORD', Confidence: 99, ParentId: 0 },
        line('   ', 99, 0.7, 0.1),
      ],
    });
    const reader = new RekognitionTextReader({}, client, noWait);
    expect(await reader.read({ kind: 'image', bytes })).toEqual({ text: 'BAKERY\nOPEN\nCLOSED ON SUNDAYS' });
    expect(rekognition.commandCalls(DetectTextCommand).map((c) => c.args[0].input)).toEqual([{ Image: { Bytes: bytes }, Filters: { WordFilter: { MinConfidence: 80 } } }]);
  });

  it('reads nothing into an image without text', async () => {
    expect(await new RekognitionTextReader({}, client, noWait).read({ kind: 'image', bytes })).toEqual({ text: '' });
  });

  it('cuts long text at a word boundary within the domain\u2019s limit', async () => {
    const words = Array.from({ length: 100 }, (_, i) => line(`line ${i} ${'word '.repeat(20).trim()}`, 99, i / 100, 0.1, 0.005));
    rekognition.on(DetectTextCommand).resolves({ TextDetections: words });
    const { text } = await new RekognitionTextReader({}, client, noWait).read({ kind: 'image', bytes });
    expect(text.length).toBeLessThanOrEqual(TEXT_MAX_LENGTH);
    expect(text.startsWith('line 0 word')).toBe(true);
    expect(text.endsWith('word')).toBe(true);
    expect(cutText('abcdef', 3)).toBe('abc');
    expect(cutText('ab cd ef', 6)).toBe('ab cd');
  });

  it('orders lines of one row left to right, and lines without a box last', () => {
    expect(
      readingOrder([
        { text: 'right', top: 0.101, left: 0.6, height: 0.04 },
        { text: 'left', top: 0.1, left: 0.1, height: 0.04 },
        { text: 'below', top: 0.2, left: 0.1, height: 0.04 },
        { text: 'nowhere', top: 1, left: 1, height: 0 },
      ]),
    ).toEqual(['left', 'right', 'below', 'nowhere']);
  });

  it('reads a large image from S3, and retries throttling under the same rules as the tagger', async () => {
    rekognition.on(DetectTextCommand).rejectsOnce(throttling()).resolves({ TextDetections: [line('EXIT', 99, 0.1, 0.1)] });
    const reader = new RekognitionTextReader({ bucket: 'media-renditions', inlineMaxBytes: 4 }, client, noWait);
    expect(await reader.read({ kind: 'image', bytes, objectKey: 'renditions/o/m/small.jpg' })).toEqual({ text: 'EXIT' });
    const calls = rekognition.commandCalls(DetectTextCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.Image).toEqual({ S3Object: { Bucket: 'media-renditions', Name: 'renditions/o/m/small.jpg' } });
  });

  it('fails with a retryable domain error when throttling outlasts its retries, and a permanent one for a bad image', async () => {
    rekognition.on(DetectTextCommand).rejects(throttling());
    const reader = new RekognitionTextReader({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }, client, noWait);
    await expect(reader.read({ kind: 'image', bytes })).rejects.toMatchObject({ code: 'internal', details: { retryable: true, service: 'ThrottlingException' } });
    expect(rekognition.commandCalls(DetectTextCommand)).toHaveLength(2);
    rekognition.on(DetectTextCommand).rejects(Object.assign(new Error('bad'), { name: 'InvalidImageFormatException', $metadata: { httpStatusCode: 400 } }));
    await expect(reader.read({ kind: 'image', bytes })).rejects.toMatchObject({ code: 'unsupported' });
    await expect(new RekognitionTextReader({}, client, noWait).read({ kind: 'image', objectKey: 'k' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('sends only the images its gate finds text likely in', async () => {
    rekognition.on(DetectTextCommand).resolves({ TextDetections: [line('EXIT', 99, 0.1, 0.1)] });
    const asked: Uint8Array[] = [];
    const reader = new RekognitionTextReader({}, client, {
      ...noWait,
      likely: async (input) => {
        if (input.bytes) asked.push(input.bytes);
        return input.bytes?.[3] === 0xe0;
      },
    });
    expect(await reader.read({ kind: 'image', bytes: Uint8Array.from([0xff, 0xd8, 0xff, 0xdb]) })).toEqual({ text: '', skipped: 'no text likely' });
    expect(rekognition.commandCalls(DetectTextCommand)).toHaveLength(0);
    expect(await reader.read({ kind: 'image', bytes })).toEqual({ text: 'EXIT' });
    expect(rekognition.commandCalls(DetectTextCommand)).toHaveLength(1);
    expect(asked).toHaveLength(2);
  });

  it('stops when the signal aborts', async () => {
    await expect(new RekognitionTextReader({}, client, noWait).read({ kind: 'image', bytes }, AbortSignal.abort(new Error('cancelled')))).rejects.toThrow('cancelled');
    expect(rekognition.calls()).toHaveLength(0);
  });
});
