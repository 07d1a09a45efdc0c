import fc from 'fast-check';
import { ValidationError } from './errors.js';
import { originalKey, parseKey, renditionKey } from './keys.js';
import { decodeCursor, encodeCursor, ListQuerySchema, type CursorBinding } from './query.js';

// Property tests of the parsers that read what clients and queues send: they answer every input
// with a value or the domain's ValidationError, never another exception.

const owner = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);
const ulid = fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/).filter((id) => id[0] !== undefined && id[0] <= '7');
const binding: fc.Arbitrary<CursorBinding> = fc.record({
  ownerId: owner,
  kind: fc.option(fc.constantFrom('image', 'video', 'audio', 'document', 'other'), { nil: undefined }),
  status: fc.option(fc.constantFrom('ready', 'failed'), { nil: undefined }),
  tag: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
});

describe('parseKey', () => {
  it('returns a parsed key or undefined for any string, and never reads a key outside the layout', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('originals', 'renditions', '..', '.', '')), { maxLength: 6 }).map((parts) => parts.join('/'))), (key) => {
        const parsed = parseKey(key);
        if (parsed === undefined) return;
        expect(key.startsWith(parsed.type === 'original' ? 'originals/' : 'renditions/')).toBe(true);
        expect(key.split('/')).not.toContain('..');
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back every key the layout makes, with its owner and item', () => {
    fc.assert(
      fc.property(owner, ulid, fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,19}$/), fc.constantFrom('webp', 'avif', 'jpg', 'm3u8', 'json'), (ownerId, mediaId, name, ext) => {
        expect(parseKey(originalKey(ownerId, mediaId))).toEqual({ type: 'original', ownerId, mediaId });
        expect(parseKey(renditionKey(ownerId, mediaId, name, ext))).toMatchObject({ type: 'rendition', ownerId, mediaId });
      }),
      { numRuns: 500 },
    );
  });
});

describe('cursors', () => {
  it('decode any string to a position or a ValidationError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), fc.string({ unit: 'binary' })), binding, (cursor, bound) => {
        try {
          decodeCursor(cursor, bound);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trip for the query they were made for and are refused for any other owner', () => {
    fc.assert(
      fc.property(ulid, binding, owner, (after, bound, other) => {
        const cursor = encodeCursor({ after }, bound);
        expect(decodeCursor(cursor, bound).after).toBe(after);
        if (other !== bound.ownerId) expect(() => decodeCursor(cursor, { ...bound, ownerId: other })).toThrow(ValidationError);
      }),
      { numRuns: 500 },
    );
  });
});

describe('ListQuerySchema', () => {
  it('accepts or refuses any query object without throwing, and bounds the page size', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('limit', 'cursor', 'kind', 'status', 'tag', 'extra'), fc.oneof(fc.string(), fc.integer(), fc.double(), fc.jsonValue())), (query) => {
        const parsed = ListQuerySchema.safeParse(query);
        if (parsed.success) {
          expect(parsed.data.limit).toBeGreaterThanOrEqual(1);
          expect(parsed.data.limit).toBeLessThanOrEqual(200);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
