import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DetectFacesCommand, DetectLabelsCommand, DetectModerationLabelsCommand, DetectTextCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { DEFAULT_ACCOUNT, type Authorization, type AwsRequest, type Principal } from '../../types.js';
import { createRekognition, sniffImageFormat, type Detection, type Rekognition } from './index.js';

const caller: Principal = { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/TaggingRole', sessionName: 'tagging', accessKeyId: 'AKIDSIM' };
// Only the leading bytes matter to Rekognition's format check; the detector below reads none.
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a jpeg picture')]);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('a png picture')]);
const gif = Buffer.from('GIF89a a gif picture');

const detection: Detection = {
  labels: [
    { name: 'Person', confidence: 98.5, instances: 2 },
    { name: 'Boat', confidence: 91, parents: ['Vehicle', 'Transportation'] },
    { name: 'Person', confidence: 80, instances: 1 },
    { name: 'Cup', confidence: 40 },
  ],
  moderation: [
    { name: 'Explicit Nudity', parentName: '', confidence: 20 },
    { name: 'Suggestive', parentName: '', confidence: 70 },
    { name: 'Female Swimwear Or Underwear', parentName: 'Suggestive', confidence: 65 },
  ],
  faces: [40, 99, 97.5],
};
const printed = ['MEDIAFLOW BAKERY', 'open every day'];

let server: Server;
let rekognition: Rekognition;
let objects: Map<string, Buffer>;
let seen: Buffer[];
let asked: Authorization[][];
let readers: Principal[];

function client(): RekognitionClient {
  const { port } = server.address() as AddressInfo;
  return new RekognitionClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'AKIDSIM', secretAccessKey: 'secret' }, maxAttempts: 1 });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const request: AwsRequest = {
        service: 'rekognition',
        method: req.method ?? 'POST',
        path: url.pathname,
        query: url.searchParams,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')])),
        body: Buffer.concat(chunks),
        principal: caller,
      };
      void (async () => {
        asked.push(await rekognition.handler.authorizations(request));
        const response = await rekognition.handler.handle(request);
        res.writeHead(response.status, response.headers);
        res.end(response.body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  objects = new Map([['media/renditions/a/poster.jpeg', jpeg]]);
  seen = [];
  asked = [];
  readers = [];
  rekognition = createRekognition({
    account: DEFAULT_ACCOUNT,
    objects: {
      async get(bucket, key, asPrincipal) {
        readers.push(asPrincipal);
        const body = objects.get(`${bucket}/${key}`);
        if (!body) throw new Error('NoSuchKey');
        return body;
      },
    },
    detector: async (image) => {
      seen.push(image);
      return detection;
    },
    textDetector: async (image) => {
      seen.push(image);
      return printed;
    },
    log: () => undefined,
  });
});

describe('Rekognition stand-in', () => {
  it('detects labels in inline bytes: one per name, most confident first, above MinConfidence, at most MaxLabels', async () => {
    const answer = await client().send(new DetectLabelsCommand({ Image: { Bytes: png }, MinConfidence: 50 }));
    expect(seen).toEqual([png]);
    expect(answer.LabelModelVersion).toBe('3.0');
    expect(answer.Labels).toEqual([
      { Name: 'Person', Confidence: 98.5, Instances: [{ Confidence: 98.5 }, { Confidence: 98.5 }, { Confidence: 98.5 }], Parents: [], Aliases: [], Categories: [] },
      { Name: 'Boat', Confidence: 91, Instances: [], Parents: [{ Name: 'Vehicle' }, { Name: 'Transportation' }], Aliases: [], Categories: [] },
    ]);
    const one = await client().send(new DetectLabelsCommand({ Image: { Bytes: png }, MinConfidence: 10, MaxLabels: 1 }));
    expect(one.Labels?.map((l) => l.Name)).toEqual(['Person']);
    expect(asked[0]).toEqual([{ action: 'rekognition:DetectLabels', resource: '*' }]);
  });

  it('reads an S3 object as the caller, and asks IAM for s3:GetObject on it', async () => {
    const answer = await client().send(new DetectLabelsCommand({ Image: { S3Object: { Bucket: 'media', Name: 'renditions/a/poster.jpeg' } } }));
    expect(answer.Labels?.map((l) => l.Name)).toEqual(['Person', 'Boat']);
    expect(seen).toEqual([jpeg]);
    expect(readers).toEqual([caller]);
    expect(asked[0]).toEqual([
      { action: 'rekognition:DetectLabels', resource: '*' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::media/renditions/a/poster.jpeg' },
    ]);
  });

  it('answers moderation labels with their parents and taxonomy levels', async () => {
    const answer = await client().send(new DetectModerationLabelsCommand({ Image: { S3Object: { Bucket: 'media', Name: 'renditions/a/poster.jpeg' } }, MinConfidence: 60 }));
    expect(answer.ModerationModelVersion).toBe('7.0');
    expect(answer.ModerationLabels).toEqual([
      { Name: 'Suggestive', ParentName: '', Confidence: 70, TaxonomyLevel: 1 },
      { Name: 'Female Swimwear Or Underwear', ParentName: 'Suggestive', Confidence: 65, TaxonomyLevel: 2 },
    ]);
    expect(asked[0]).toEqual([
      { action: 'rekognition:DetectModerationLabels', resource: '*' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::media/renditions/a/poster.jpeg' },
    ]);
  });

  it('refuses what Rekognition refuses, before the detector sees it', async () => {
    const large = Buffer.concat([jpeg, Buffer.alloc(5 * 1024 * 1024)]);
    await expect(client().send(new DetectLabelsCommand({ Image: { Bytes: large } }))).rejects.toMatchObject({ name: 'ImageTooLargeException' });
    await expect(client().send(new DetectLabelsCommand({ Image: { Bytes: gif } }))).rejects.toMatchObject({ name: 'InvalidImageFormatException' });
    await expect(client().send(new DetectLabelsCommand({ Image: { Bytes: jpeg }, MinConfidence: 101 }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(client().send(new DetectModerationLabelsCommand({ Image: { Bytes: jpeg }, MinConfidence: -1 }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(client().send(new DetectLabelsCommand({ Image: {} }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(client().send(new DetectLabelsCommand({ Image: { S3Object: { Bucket: 'media', Name: 'renditions/missing.jpeg' } } }))).rejects.toMatchObject({
      name: 'InvalidS3ObjectException',
    });
    objects.set('media/renditions/a/clip.gif', gif);
    await expect(client().send(new DetectLabelsCommand({ Image: { S3Object: { Bucket: 'media', Name: 'renditions/a/clip.gif' } } }))).rejects.toMatchObject({
      name: 'InvalidImageFormatException',
    });
    expect(seen).toEqual([]);
  });

  it('counts faces with DetectFaces: most confident first, none under 50, a box each', async () => {
    const answer = await client().send(new DetectFacesCommand({ Image: { Bytes: jpeg }, Attributes: ['DEFAULT'] }));
    expect(answer.FaceDetails?.map((f) => f.Confidence)).toEqual([99, 97.5]);
    for (const face of answer.FaceDetails ?? []) expect(face.BoundingBox).toEqual(expect.objectContaining({ Width: expect.any(Number), Top: expect.any(Number) }));
    expect(asked[0]).toEqual([{ action: 'rekognition:DetectFaces', resource: '*' }]);
    await expect(client().send(new DetectFacesCommand({ Image: { Bytes: jpeg }, Attributes: ['FINGERPRINT' as 'DEFAULT'] }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('reads text with DetectText: lines, then their words, above the word filter', async () => {
    const answer = await client().send(new DetectTextCommand({ Image: { S3Object: { Bucket: 'media', Name: 'renditions/a/poster.jpeg' } }, Filters: { WordFilter: { MinConfidence: 80 } } }));
    expect(answer.TextModelVersion).toBe('3.0');
    const lines = answer.TextDetections?.filter((d) => d.Type === 'LINE') ?? [];
    expect(lines.map((l) => [l.Id, l.DetectedText])).toEqual([
      [0, 'MEDIAFLOW BAKERY'],
      [1, 'open every day'],
    ]);
    expect((lines[0]?.Geometry?.BoundingBox?.Top ?? 1) < (lines[1]?.Geometry?.BoundingBox?.Top ?? 0)).toBe(true);
    const words = answer.TextDetections?.filter((d) => d.Type === 'WORD') ?? [];
    expect(words.map((w) => [w.DetectedText, w.ParentId])).toEqual([
      ['MEDIAFLOW', 0],
      ['BAKERY', 0],
      ['open', 1],
      ['every', 1],
      ['day', 1],
    ]);
    expect(asked[0]).toEqual([
      { action: 'rekognition:DetectText', resource: '*' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::media/renditions/a/poster.jpeg' },
    ]);
    const strict = await client().send(new DetectTextCommand({ Image: { Bytes: jpeg }, Filters: { WordFilter: { MinConfidence: 99.5 } } }));
    expect(strict.TextDetections).toEqual([]);
    await expect(client().send(new DetectTextCommand({ Image: { Bytes: jpeg }, Filters: { WordFilter: { MinConfidence: 120 } } }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('answers a detector\u2019s failure as a service error the client may retry', async () => {
    const failing = createRekognition({
      objects: { get: () => Promise.reject(new Error('unused')) },
      detector: () => Promise.reject(new Error('model gone')),
      textDetector: () => Promise.reject(new Error('ocr gone')),
      log: () => undefined,
    });
    for (const target of ['DetectFaces', 'DetectText']) {
      const response = await failing.handler.handle({
        service: 'rekognition',
        method: 'POST',
        path: '/',
        query: new URLSearchParams(),
        headers: { 'x-amz-target': `RekognitionService.${target}`, 'content-type': 'application/x-amz-json-1.1' },
        body: Buffer.from(JSON.stringify({ Image: { Bytes: jpeg.toString('base64') } })),
        principal: caller,
      });
      expect(response.status).toBe(500);
      expect(JSON.parse(String(response.body))).toMatchObject({ __type: 'InternalServerError' });
    }
  });

  it('spells a refusal by IAM as JSON 1.1 does', () => {
    const response = rekognition.handler.denied({} as AwsRequest, 'not allowed');
    expect(response.status).toBe(400);
    expect(JSON.parse(String(response.body))).toEqual({ __type: 'AccessDeniedException', Message: 'not allowed' });
  });
});

describe('sniffImageFormat', () => {
  it('knows JPEG and PNG by their signatures only', () => {
    expect(sniffImageFormat(jpeg)).toBe('jpeg');
    expect(sniffImageFormat(png)).toBe('png');
    expect(sniffImageFormat(gif)).toBeUndefined();
    expect(sniffImageFormat(Buffer.from([0xff, 0xd8]))).toBeUndefined();
  });
});
