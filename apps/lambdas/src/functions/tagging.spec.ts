import { OnDeviceTagger } from '@mediaflow/tagging/on-device';
import { RekognitionTagger } from '@mediaflow/tagging/rekognition';
import { ConfigError, loadConfig } from '../config.js';
import { GOOD_ENV } from '../test-support.js';
import { taggingFor } from './tagging.js';

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
