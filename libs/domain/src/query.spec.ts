import { ValidationError } from './errors.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, ListQuerySchema, MAX_PAGE_SIZE } from './query.js';

describe('ListQuerySchema', () => {
  it('defaults the limit and coerces it from a query string', () => {
    expect(ListQuerySchema.parse({})).toEqual({ limit: DEFAULT_PAGE_SIZE });
    expect(ListQuerySchema.parse({ limit: '20', kind: 'video', status: 'ready', tag: 'dog' })).toEqual({
      limit: 20,
      kind: 'video',
      status: 'ready',
      tag: 'dog',
    });
  });

  it.each([
    { limit: '0' },
    { limit: String(MAX_PAGE_SIZE + 1) },
    { limit: 'ten' },
    { kind: 'hologram' },
    { status: 'deleted' },
    { tag: 'Not Normalised' },
    { cursor: 'has spaces' },
    { cursor: 'x'.repeat(2000) },
  ])('refuses %j', (input) => {
    expect(ListQuerySchema.safeParse(input).success).toBe(false);
  });
});

describe('cursors', () => {
  const binding = { ownerId: 'alice', kind: 'image' };

  it('round-trips a position, URL-safe', () => {
    const cursor = encodeCursor({ after: '01HZY3M8Q4W6E2R9T5Y7V1A3B0', extra: { pk: 'OWNER#alice', sk: 'MEDIA#x/y+z' } }, binding);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, binding)).toEqual({ after: '01HZY3M8Q4W6E2R9T5Y7V1A3B0', extra: { pk: 'OWNER#alice', sk: 'MEDIA#x/y+z' } });
  });

  it('refuses a cursor used by another owner or with other filters', () => {
    const cursor = encodeCursor({ after: 'x' }, binding);
    expect(() => decodeCursor(cursor, { ownerId: 'bob', kind: 'image' })).toThrow(ValidationError);
    expect(() => decodeCursor(cursor, { ownerId: 'alice' })).toThrow(ValidationError);
    expect(() => decodeCursor(cursor, { ownerId: 'alice', kind: 'image', tag: 'dog' })).toThrow(ValidationError);
  });

  it.each(['', 'garbage', 'e30', Buffer.from('{"v":1,"a":"x","b":"short"}').toString('base64url'), Buffer.from([0xff, 0xfe]).toString('base64url')])(
    'refuses malformed cursor %j',
    (cursor) => {
      expect(() => decodeCursor(cursor, binding)).toThrow(ValidationError);
    },
  );
});
