import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { asyncApiDocument, contractFiles, eventJsonSchema, mediaItemJsonSchema } from './contracts.js';
import { createEvent, DOMAIN_EVENT_TYPES } from './events.js';
import { makeMediaItem } from './testing/fixtures.js';

const CONTRACTS_DIR = resolve(__dirname, '../../../docs/contracts');
const UPDATE = process.env['UPDATE_CONTRACTS'] === '1';

function validator() {
  // Formats are not checked: zod also emits the pattern of each date-time and id, which is.
  return new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
}

const base = { id: '01JQ0000000000000000000001', occurredAt: '2026-06-01T00:00:00.000Z', ownerId: 'alice', mediaId: '01JQ0000000000000000000002' };
const examples = [
  createEvent('media.upload_started', { ...base, data: { filename: 'beach.jpg', size: 10, multipart: false } }),
  createEvent('media.uploaded', { ...base, data: { kind: 'image', mime: 'image/jpeg', size: 10, sha256: 'a'.repeat(64), key: 'originals/alice/01JQ0000000000000000000002' } }),
  createEvent('media.processed', { ...base, data: { kind: 'video', renditions: [{ name: 'hls/master', format: 'm3u8', key: 'renditions/alice/01JQ0000000000000000000002/hls/master.m3u8', contentType: 'application/vnd.apple.mpegurl', bytes: 300 }] } }),
  createEvent('media.tagged', { ...base, data: { kind: 'image', tags: [{ name: 'dog', confidence: 0.9, source: 'ai' }], moderation: { verdict: 'safe', labels: [] } } }),
  createEvent('media.flagged', { ...base, data: { kind: 'image', labels: [{ name: 'explicit nudity', confidence: 0.97 }] } }),
  createEvent('media.failed', { ...base, data: { failure: { code: 'corrupt', reason: 'truncated', stage: 'image' } } }),
  createEvent('media.deleted', { ...base, data: {} }),
  ...albumExamples(),
];

function albumExamples() {
  const { mediaId, ...envelope } = base;
  const album = { ...envelope, albumId: '01JQ0000000000000000000003' };
  return [
    createEvent('album.created', { ...album, data: { name: 'Summer' } }),
    createEvent('album.updated', { ...album, data: { name: 'Summer 2026', coverMediaId: mediaId } }),
    createEvent('album.deleted', { ...album, data: {} }),
    createEvent('album.items_added', { ...album, data: { mediaIds: [mediaId], itemCount: 1 } }),
    createEvent('album.items_removed', { ...album, data: { mediaIds: [mediaId], itemCount: 0 } }),
  ];
}

describe('published contracts', () => {
  it('has an example for every event type', () => {
    expect(examples.map((e) => e.type).sort()).toEqual([...DOMAIN_EVENT_TYPES].sort());
  });

  it.each(examples.map((e) => [e.type, e] as const))('the JSON Schema of %s accepts what Mediaflow publishes and refuses a broken copy', (type, event) => {
    const validate = validator().compile(eventJsonSchema(type));
    expect(validate(JSON.parse(JSON.stringify(event)))).toBe(true);
    expect(validate({ ...event, ownerId: undefined })).toBe(false);
    expect(validate({ ...event, type: 'media.other' })).toBe(false);
  });

  it('the media item schema accepts a stored item', () => {
    const validate = validator().compile(mediaItemJsonSchema());
    expect(validate(JSON.parse(JSON.stringify(makeMediaItem({ tags: [{ name: 'beach', confidence: 1, source: 'user' }] }))))).toBe(true);
    expect(validate({ ...makeMediaItem(), status: 'lost' })).toBe(false);
  });

  it('describes the topic, the filter attributes and every message in AsyncAPI 3', () => {
    const doc = asyncApiDocument() as {
      asyncapi: string;
      components: { messages: Record<string, { headers: { properties: Record<string, unknown>; required: string[] } }> };
    };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.keys(doc.components.messages).sort()).toEqual(DOMAIN_EVENT_TYPES.map((t) => `${t}.v1`).sort());
    expect(Object.keys(doc.components.messages['media.uploaded.v1']?.headers.properties ?? {})).toEqual(['type', 'kind']);
    expect(doc.components.messages['media.uploaded.v1']?.headers.required).toEqual(['type', 'kind']);
    // A deletion may not know the kind (an upload abandoned before ingest): the attribute is optional.
    expect(doc.components.messages['media.deleted.v1']?.headers.required).toEqual(['type']);
  });

  // The committed copies under docs/contracts/ are what integrators read: they must not drift.
  // Regenerate with `npm run contracts`.
  it('matches the committed copies in docs/contracts', () => {
    const files = contractFiles();
    const stale: string[] = [];
    for (const [path, text] of Object.entries(files)) {
      const target = join(CONTRACTS_DIR, path);
      if (UPDATE) {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, text);
      } else if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
        stale.push(path);
      }
    }
    expect(stale).toEqual([]);
  });
});
