import { createEvent, type MediaItem, type ReceivedMessage } from '@mediaflow/domain';
import { FakeTagger, makeMediaItem } from '@mediaflow/domain/testing';
import type { TaggingDeps } from '@mediaflow/media-service';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { OnDeviceTextReader } from '@mediaflow/tagging/ocr';
import { OnDeviceTagger } from '@mediaflow/tagging/on-device';
import { RekognitionTagger, RekognitionTextReader } from '@mediaflow/tagging/rekognition';
import { ConfigError, loadConfig } from '../config.js';
import { GOOD_ENV } from '../test-support.js';
import { ocrFilesBeside, taggingFor, taggingOrText, textFor } from './tagging.js';

const NOW = new Date('2026-06-01T00:00:00.000Z');
/** The on-device detector scores lower than Rekognition: 0.4 is a confident COCO detection. */
const DOG = [{ name: 'dog', confidence: 0.4 }];
const NUDITY_065 = [{ name: 'Explicit Nudity', confidence: 0.65 }];

describe('tagging function: the tagger TAGGER names', () => {
  it('runs the on-device tagger by default, with its own label and moderation policies', async () => {
    const tagging = taggingFor(loadConfig(GOOD_ENV));
    expect(tagging.tagger).toBeInstanceOf(OnDeviceTagger);
    // Not started: the worker and its models come with the first image or ready().
    expect((tagging.tagger as OnDeviceTagger).starts).toBe(0);
    expect((tagging.tagger as OnDeviceTagger).options.workerPath).toBeUndefined();
    expect(tagging.tags(DOG).map((tag) => tag.name)).toContain('dog');
    // nsfwjs scores safe photographs higher than Rekognition does: it flags explicit nudity from 0.7, not 0.6.
    expect(tagging.moderate(NUDITY_065, NOW).verdict).not.toBe('flagged');
    await (tagging.tagger as OnDeviceTagger).close();
  });

  it('takes the worker script from TAGGER_WORKER_PATH (the layer\'s, under /opt)', async () => {
    const path = '/opt/nodejs/node_modules/@mediaflow/tagging/worker/on-device-worker.mjs';
    const tagging = taggingFor(loadConfig({ ...GOOD_ENV, TAGGER: 'on-device', TAGGER_WORKER_PATH: path }));
    expect((tagging.tagger as OnDeviceTagger).options.workerPath).toBe(path);
    await (tagging.tagger as OnDeviceTagger).close();
  });

  it('calls Rekognition when TAGGER=rekognition, with its bucket, concurrency and policies', () => {
    const tagging = taggingFor(loadConfig({ ...GOOD_ENV, TAGGER: 'rekognition', REKOGNITION_MAX_CONCURRENCY: '2' }));
    expect(tagging.tagger).toBeInstanceOf(RekognitionTagger);
    expect((tagging.tagger as RekognitionTagger).options).toMatchObject({ bucket: GOOD_ENV['MEDIA_BUCKET'], maxConcurrency: 2 });
    // Rekognition's scores are higher: a 0.4 label is noise there.
    expect(tagging.tags(DOG)).toEqual([]);
    expect(tagging.moderate(NUDITY_065, NOW).verdict).toBe('flagged');
  });

  it('refuses a tagger it does not know, and a relative worker path', () => {
    expect(() => loadConfig({ ...GOOD_ENV, TAGGER: 'clip' })).toThrow(expect.objectContaining({ variables: ['TAGGER'] }));
    expect(() => loadConfig({ ...GOOD_ENV, TAGGER_WORKER_PATH: 'worker.mjs' })).toThrow(ConfigError);
  });
});

describe('tagging function: the text reader for the same TAGGER', () => {
  it('reads on the device by default, from the layer that holds the tagger\u2019s worker', async () => {
    const text = textFor(loadConfig({ ...GOOD_ENV, TAGGER_WORKER_PATH: '/opt/nodejs/node_modules/@mediaflow/tagging/worker/on-device-worker.mjs' }));
    expect(text.reader).toBeInstanceOf(OnDeviceTextReader);
    expect(text.formats).toEqual(['jpeg', 'png', 'webp']);
    expect(ocrFilesBeside('/opt/nodejs/node_modules/@mediaflow/tagging/worker/on-device-worker.mjs')).toEqual({
      workerPath: '/opt/nodejs/node_modules/@mediaflow/tagging/worker/ocr-worker.mjs',
      langPath: '/opt/nodejs/node_modules/@tesseract.js-data/eng/4.0.0_best_int',
      corePath: '/opt/nodejs/node_modules/tesseract.js-core',
    });
    expect(ocrFilesBeside(undefined)).toBeUndefined();
    expect(ocrFilesBeside('/opt/worker.mjs')).toBeUndefined();
    await (text.reader as OnDeviceTextReader).close();
  });

  it('calls DetectText with TAGGER=rekognition, on the formats Rekognition reads', () => {
    const text = textFor(loadConfig({ ...GOOD_ENV, TAGGER: 'rekognition', REKOGNITION_MAX_CONCURRENCY: '2' }));
    expect(text.reader).toBeInstanceOf(RekognitionTextReader);
    expect((text.reader as RekognitionTextReader).options).toMatchObject({ bucket: GOOD_ENV['MEDIA_BUCKET'], maxConcurrency: 2 });
    expect(text.formats).toEqual(['jpeg', 'png']);
  });
});

describe('tagging function: one handler for both of its queues', () => {
  const ID = '01JQ0000000000000000000026';
  const KEY = `renditions/alice/${ID}/medium.jpg`;

  async function setup() {
    const tagger = new FakeTagger(() => ({ labels: [{ name: 'sign', confidence: 0.9 }], moderation: [], faces: 2 }));
    const read = jest.fn(async () => ({ text: 'OPEN DAILY' }));
    const tagging: TaggingDeps = {
      tagger,
      tags: (labels) => labels.map((l) => ({ name: l.name, confidence: l.confidence, source: 'ai' })),
      moderate: (labels, now) => ({ verdict: 'safe', labels: [...labels], checkedAt: now.toISOString() }),
    };
    const deps = inMemoryDeps({ tagging, text: { reader: { read } } });
    const item: MediaItem = makeMediaItem({ id: ID, ownerId: 'alice', status: 'ready', kind: 'image', renditions: [{ name: 'medium', format: 'jpeg', key: KEY, contentType: 'image/jpeg', bytes: 4 }] });
    await deps.repo.create(item);
    await deps.store.put(KEY, new Uint8Array([0xff, 0xd8, 0xff, 0xe0]));
    return { deps, tagger, read, handle: taggingOrText(deps, { maxReceives: 3 }) };
  }

  function message(body: unknown, raw?: string): ReceivedMessage {
    return { id: 'm1', body: raw ?? JSON.stringify(body), attributes: {}, receiptHandle: 'rh', receiveCount: 1, sentAt: new Date('2026-06-01T00:00:00.000Z') };
  }

  it('tags media.processed and reads media.tagged, by the event each message brings', async () => {
    const { deps, tagger, read, handle } = await setup();
    const envelope = { id: '01JQ0000000000000000000027', occurredAt: new Date('2026-06-01T00:00:00.000Z'), ownerId: 'alice', mediaId: ID };
    await handle(message(createEvent('media.processed', { ...envelope, data: { kind: 'image', renditions: [] } })));
    expect(tagger.calls).toHaveLength(1);
    expect(read).not.toHaveBeenCalled();
    expect(await deps.repo.get('alice', ID)).toMatchObject({ faces: 2 });
    await handle(message(createEvent('media.tagged', { ...envelope, data: { kind: 'image', tags: [], moderation: { verdict: 'safe', labels: [], checkedAt: '2026-06-01T00:00:00.000Z' } } })));
    expect(read).toHaveBeenCalledTimes(1);
    expect((await deps.repo.get('alice', ID))?.text?.content).toBe('OPEN DAILY');
    expect(tagger.calls).toHaveLength(1);
  });

  it('refuses a message that is neither, so it is not dropped unseen', async () => {
    const { handle, tagger, read } = await setup();
    await expect(handle(message({ type: 'media.uploaded', mediaId: ID }))).rejects.toThrow(/takes media.processed and media.tagged, not media.uploaded/);
    await expect(handle(message(undefined, 'not json'))).rejects.toThrow(/not a message without an event type/);
    expect(tagger.calls).toHaveLength(0);
    expect(read).not.toHaveBeenCalled();
  });
});
