import { DetectLabelsCommand, DetectModerationLabelsCommand, RekognitionClient, ThrottlingException } from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import { LimitExceededError, MediaError, ValidationError } from '@mediaflow/domain';
import { RekognitionTagger } from './rekognition.js';

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
});

describe('RekognitionTagger', () => {
  it('asks for labels and moderation labels with the configured limits', async () => {
    const tagger = new RekognitionTagger({ maxLabels: 25, minConfidence: 0.65, moderationMinConfidence: 0.4 }, client, noWait);
    await tagger.detect({ kind: 'image', bytes });
    expect(rekognition.commandCalls(DetectLabelsCommand).map((c) => c.args[0].input)).toEqual([
      { Image: { Bytes: bytes }, MaxLabels: 25, MinConfidence: 65 },
    ]);
    expect(rekognition.commandCalls(DetectModerationLabelsCommand).map((c) => c.args[0].input)).toEqual([{ Image: { Bytes: bytes }, MinConfidence: 40 }]);
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
    });
  });

  it('sends small images inline and large ones by S3 reference', async () => {
    const tagger = new RekognitionTagger({ bucket: 'media-renditions', inlineMaxBytes: 4 }, client, noWait);
    expect(tagger.imageOf({ kind: 'image', bytes: bytes.subarray(0, 3), objectKey: 'renditions/o/m/large.jpeg' })).toEqual({ Bytes: bytes.subarray(0, 3) });
    await tagger.detect({ kind: 'image', bytes, objectKey: 'renditions/o/m/large.jpeg' });
    const image = { S3Object: { Bucket: 'media-renditions', Name: 'renditions/o/m/large.jpeg' } };
    expect(rekognition.commandCalls(DetectLabelsCommand)[0]?.args[0].input.Image).toEqual(image);
    expect(rekognition.commandCalls(DetectModerationLabelsCommand)[0]?.args[0].input.Image).toEqual(image);
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
    const tagger = new RekognitionTagger({ maxConcurrency: 3 }, client, noWait);
    await Promise.all(Array.from({ length: 8 }, () => tagger.detect({ kind: 'image', bytes })));
    expect(rekognition.calls()).toHaveLength(16);
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
