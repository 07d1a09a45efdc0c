import {
  MediaFactsSchema,
  MediaItemSchema,
  ModerationSchema,
  OriginalSchema,
  RenditionNameSchema,
  RenditionSchema,
  TagNameSchema,
  TagSchema,
} from './media.js';
import { OwnerIdSchema, Sha256Schema, UlidSchema, ulidGenerator, ulidTime } from './ids.js';
import { makeMediaItem } from './testing/fixtures.js';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;

describe('ids', () => {
  it.each(['01ARZ3NDEKTSV4RRFFQ69G5FAV', ulidGenerator.next()])('accepts ULID %s', (id) => expect(ok(UlidSchema, id)).toBe(true));
  it.each(['', '01arz3ndektsv4rrffq69g5fav', '01ARZ3NDEKTSV4RRFFQ69G5FA', '81ARZ3NDEKTSV4RRFFQ69G5FAV', '01ARZ3NDEKTSV4RRFFQ69G5FAI', '../../etc/passwd'])(
    'refuses ULID %j',
    (id) => expect(ok(UlidSchema, id)).toBe(false),
  );

  it('reads the time back out of a ULID', () => {
    const before = Date.now();
    const t = ulidTime(ulidGenerator.next()).getTime();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });

  it.each(['alice', 'local-user_1', 'f3c1b2a0-1234-4cde-8f00-0123456789ab', 'a.b'])('accepts owner %s', (o) =>
    expect(ok(OwnerIdSchema, o)).toBe(true),
  );
  it.each(['', 'a/b', 'a#b', '..', 'a..b', '.hidden', 'OWNER#x', 'a b', 'x'.repeat(129), 'ünï'])('refuses owner %j', (o) =>
    expect(ok(OwnerIdSchema, o)).toBe(false),
  );

  it('accepts lower-case hex SHA-256 only', () => {
    expect(ok(Sha256Schema, 'a'.repeat(64))).toBe(true);
    expect(ok(Sha256Schema, 'A'.repeat(64))).toBe(false);
    expect(ok(Sha256Schema, 'a'.repeat(63))).toBe(false);
    expect(ok(Sha256Schema, 'g'.repeat(64))).toBe(false);
  });
});

describe('MediaItemSchema', () => {
  it('accepts a complete ready item', () => {
    const item = makeMediaItem({
      status: 'ready',
      title: 'Dog on a beach',
      description: 'Bruno at the lake, the summer he learnt to swim.',
      original: { key: 'originals/alice/x', size: 5_000_000, mime: 'image/jpeg', sha256: 'f'.repeat(64), filename: 'IMG_0001.JPG' },
      facts: { format: 'jpeg', width: 4000, height: 3000, orientation: 6, capturedAt: '2026-01-01T12:00:00.000Z', camera: { make: 'Canon', model: 'EOS R6' } },
      renditions: [{ name: 'thumb', format: 'webp', key: 'renditions/alice/x/thumb.webp', contentType: 'image/webp', bytes: 9000, width: 256, height: 192 }],
      tags: [{ name: 'dog', confidence: 0.97, source: 'ai', parent: 'animal' }],
      moderation: { verdict: 'safe', labels: [], checkedAt: '2026-01-01T12:00:05.000Z' },
      placeholder: { thumbhash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', dominantColor: '#a0b1c2' },
    });
    expect(MediaItemSchema.parse(item)).toEqual(item);
  });

  it('accepts a stored item without a description, as items written before it existed are', () => {
    const item = makeMediaItem();
    expect('description' in item).toBe(false);
    expect(MediaItemSchema.parse(item)).toEqual(item);
  });

  it('accepts a failed item with a reason', () => {
    expect(ok(MediaItemSchema, makeMediaItem({ status: 'failed', failure: { code: 'corrupt', reason: 'truncated', stage: 'image' } }))).toBe(true);
  });

  it.each([
    ['an unknown kind', { kind: 'hologram' }],
    ['an unknown status', { status: 'archived' }],
    ['a bad id', { id: 'not-a-ulid' }],
    ['a bad owner', { ownerId: 'a/b' }],
    ['version 0', { version: 0 }],
    ['a fractional version', { version: 1.5 }],
    ['a date without zone', { createdAt: '2026-01-01 10:00' }],
    ['a title over 200 characters', { title: 'x'.repeat(201) }],
    ['a description over 2000 characters', { description: 'x'.repeat(2001) }],
    ['progress over 1', { progress: 1.2 }],
    ['a bad colour', { placeholder: { dominantColor: 'red' } }],
  ])('refuses %s', (_what, patch) => {
    expect(ok(MediaItemSchema, { ...makeMediaItem(), ...patch })).toBe(false);
  });

  it('refuses an item with a missing required field', () => {
    const { original: _drop, ...rest } = makeMediaItem();
    expect(ok(MediaItemSchema, rest)).toBe(false);
  });
});

describe('OriginalSchema', () => {
  it('refuses a negative size and an empty filename', () => {
    expect(ok(OriginalSchema, { key: 'k', size: -1, mime: 'image/png', filename: 'a' })).toBe(false);
    expect(ok(OriginalSchema, { key: 'k', size: 1, mime: 'image/png', filename: '' })).toBe(false);
  });
});

describe('MediaFactsSchema', () => {
  it('accepts empty facts and refuses nonsense', () => {
    expect(ok(MediaFactsSchema, {})).toBe(true);
    expect(ok(MediaFactsSchema, { width: 0 })).toBe(false);
    expect(ok(MediaFactsSchema, { orientation: 9 })).toBe(false);
    expect(ok(MediaFactsSchema, { durationSeconds: -3 })).toBe(false);
    expect(ok(MediaFactsSchema, { audio: { year: 20001 } })).toBe(false);
  });

  it('has no place for a location', () => {
    const parsed = MediaFactsSchema.parse({ width: 10, gps: { latitude: 1, longitude: 2 } });
    expect(parsed).toEqual({ width: 10 });
  });
});

describe('RenditionSchema and names', () => {
  it.each(['thumb', 'medium', 'hls/720p', 'hls/720p/segment_00001', 'poster', 'waveform'])('accepts name %s', (n) =>
    expect(ok(RenditionNameSchema, n)).toBe(true),
  );
  it.each(['', 'Thumb', '../x', 'hls/../x', 'hls//x', '/abs', 'a b', 'hls/.', 'x/y.', '-x'])('refuses name %j', (n) =>
    expect(ok(RenditionNameSchema, n)).toBe(false),
  );

  it('refuses an unknown format and a negative size', () => {
    const base = { name: 'thumb', format: 'webp', key: 'k', contentType: 'image/webp', bytes: 1 };
    expect(ok(RenditionSchema, base)).toBe(true);
    expect(ok(RenditionSchema, { ...base, format: 'bmp' })).toBe(false);
    expect(ok(RenditionSchema, { ...base, bytes: -1 })).toBe(false);
    expect(ok(RenditionSchema, { ...base, width: 0 })).toBe(false);
  });
});

describe('TagSchema', () => {
  it.each(['dog', 'golden retriever', 'rock & roll', "children's", 'b-52', 'café', '東京', '3d'])('accepts %s', (n) =>
    expect(ok(TagNameSchema, n)).toBe(true),
  );
  it.each(['', 'Dog', ' dog', 'dog ', 'two  spaces', '#tag', 'x'.repeat(65), '-dash', '<script>'])('refuses %j', (n) =>
    expect(ok(TagNameSchema, n)).toBe(false),
  );

  it('bounds confidence and source', () => {
    expect(ok(TagSchema, { name: 'dog', confidence: 1, source: 'user' })).toBe(true);
    expect(ok(TagSchema, { name: 'dog', confidence: 1.01, source: 'user' })).toBe(false);
    expect(ok(TagSchema, { name: 'dog', confidence: 0.5, source: 'guess' })).toBe(false);
  });
});

describe('ModerationSchema', () => {
  it('accepts each verdict and refuses others', () => {
    for (const verdict of ['pending', 'safe', 'flagged', 'released']) expect(ok(ModerationSchema, { verdict, labels: [] })).toBe(true);
    expect(ok(ModerationSchema, { verdict: 'maybe', labels: [] })).toBe(false);
    expect(ok(ModerationSchema, { verdict: 'flagged', labels: [{ name: 'Violence', confidence: 2 }] })).toBe(false);
  });
});
