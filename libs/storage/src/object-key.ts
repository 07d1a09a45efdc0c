import { ValidationError } from '@mediaflow/domain';

/** S3's limit, kept everywhere so a key that works locally also works in the cloud. */
export const MAX_OBJECT_KEY_BYTES = 1024;

// Control characters (NUL above all) and backslashes have no place in a key: they end C strings,
// turn into path separators on some systems, or hide in logs.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f\\]/;

function characterProblem(text: string): string | undefined {
  if (FORBIDDEN_CHARACTERS.test(text)) return 'contains a control character or a backslash';
  // A lone surrogate cannot be encoded as UTF-8, so it would not survive a round trip to disk.
  if (Buffer.from(text, 'utf8').toString('utf8') !== text) return 'is not well-formed Unicode';
  if (Buffer.byteLength(text, 'utf8') > MAX_OBJECT_KEY_BYTES) return `is longer than ${MAX_OBJECT_KEY_BYTES} bytes`;
  if (text.startsWith('/')) return 'is absolute';
  return undefined;
}

function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'has an empty segment';
  if (segment === '.' || segment === '..') return 'has a dot segment';
  return undefined;
}

/**
 * Why `key` is not a safe object key, or `undefined` when it is. A safe key is 1..1024 bytes of
 * well-formed text made of `/`-separated, non-empty segments, none of them `.` or `..`, with no
 * control characters or backslashes and no leading `/`: it names the same object on S3 and on a
 * filesystem, and can never climb out of a directory.
 */
export function objectKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'is empty';
  return characterProblem(key) ?? key.split('/').map(segmentProblem).find((p) => p !== undefined);
}

/**
 * Throws `ValidationError` unless `key` is a safe object key (see {@link objectKeyProblem}).
 *
 * @example
 * assertSafeObjectKey('originals/alice/01J...');   // fine
 * assertSafeObjectKey('../etc/passwd');            // throws ValidationError
 */
export function assertSafeObjectKey(key: string): void {
  const problem = objectKeyProblem(key);
  if (problem !== undefined) {
    throw new ValidationError(`object key ${problem}`, [{ path: 'key', message: problem }]);
  }
}

/**
 * Throws `ValidationError` unless `prefix` is a safe listing prefix: empty, or a safe key's start.
 * Every segment before the last `/` must be a safe segment; the part after it is a partial name
 * (`renditions/alice/01J` matches `renditions/alice/01J.../thumb.webp`) and may be empty.
 */
export function assertSafeKeyPrefix(prefix: string): void {
  if (prefix.length === 0) return;
  const segments = prefix.split('/');
  segments.pop();
  const problem = characterProblem(prefix) ?? segments.map(segmentProblem).find((p) => p !== undefined);
  if (problem !== undefined) {
    throw new ValidationError(`object key prefix ${problem}`, [{ path: 'prefix', message: problem }]);
  }
}
