import { S3Error } from './errors.js';

/** S3 orders keys by their UTF-8 bytes, which differs from JavaScript's UTF-16 order past U+FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export interface ListRequest {
  prefix: string;
  delimiter?: string;
  maxKeys: number;
  startAfter?: string;
  continuationToken?: string;
}

export interface ListPage<T> {
  contents: T[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextContinuationToken?: string;
}

/** Where the next page starts: after `after`, skipping the rolled-up prefix `skip` if any. */
interface Resume {
  after: string;
  skip?: string;
}

function encodeToken(resume: Resume): string {
  return Buffer.from(JSON.stringify(resume), 'utf8').toString('base64url');
}

function decodeToken(token: string): Resume {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && 'after' in value && typeof value.after === 'string') {
      const skip = 'skip' in value && typeof value.skip === 'string' ? value.skip : undefined;
      return skip === undefined ? { after: value.after } : { after: value.after, skip };
    }
  } catch {
    // Falls through to S3's refusal below.
  }
  throw new S3Error('InvalidArgument', { message: 'The continuation token provided is incorrect', fields: { ArgumentName: 'continuation-token' } });
}

/**
 * One ListObjectsV2 page over `entries` (sorted with {@link compareKeys}): keys under `prefix`
 * after `startAfter` or the continuation token, rolled up at `delimiter` into common prefixes,
 * at most `maxKeys` keys and prefixes together.
 */
export function listPage<T extends { key: string }>(entries: readonly T[], request: ListRequest): ListPage<T> {
  const resume: Resume = request.continuationToken === undefined ? { after: request.startAfter ?? '' } : decodeToken(request.continuationToken);
  const page: ListPage<T> = { contents: [], commonPrefixes: [], isTruncated: false };
  let count = 0;
  let last: Resume | undefined;
  for (const entry of entries) {
    const { key } = entry;
    if (!key.startsWith(request.prefix) || compareKeys(key, resume.after) <= 0) continue;
    if (resume.skip !== undefined && key.startsWith(resume.skip)) continue;
    let rolledUp: string | undefined;
    if (request.delimiter !== undefined && request.delimiter !== '') {
      const at = key.indexOf(request.delimiter, request.prefix.length);
      if (at >= 0) rolledUp = key.slice(0, at + request.delimiter.length);
    }
    if (rolledUp !== undefined && rolledUp === page.commonPrefixes[page.commonPrefixes.length - 1]) continue;
    if (count === request.maxKeys) {
      page.isTruncated = count > 0;
      if (last !== undefined) page.nextContinuationToken = encodeToken(last);
      break;
    }
    count += 1;
    if (rolledUp === undefined) {
      page.contents.push(entry);
      last = { after: key };
    } else {
      page.commonPrefixes.push(rolledUp);
      last = { after: key, skip: rolledUp };
    }
  }
  return page;
}
