import { createHash } from 'node:crypto';
import { LimitExceededError, NotFoundError, ValidationError } from '../errors.js';
import { systemClock, type Clock } from '../ids.js';
import type {
  BodyInput,
  ByteRange,
  GetResult,
  ObjectHead,
  ObjectStore,
  PresignedRequest,
  PresignGetOptions,
  PresignPutOptions,
  PutOptions,
} from '../ports.js';

interface Stored {
  head: ObjectHead;
  bytes: Uint8Array;
}

/** Reads a body into memory, stopping as soon as it grows past `maxBytes`. */
export async function readBody(body: BodyInput, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
  if (body instanceof Uint8Array) {
    if (body.byteLength > maxBytes) throw new LimitExceededError(`object is larger than ${maxBytes} bytes`);
    return body;
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.byteLength;
    if (length > maxBytes) throw new LimitExceededError(`object is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Clamps an HTTP-style inclusive range to an object, or throws when it starts past the end. */
export function resolveRange(range: ByteRange, size: number): { start: number; end: number } {
  const end = Math.min(range.end ?? size - 1, size - 1);
  if (!Number.isInteger(range.start) || range.start < 0 || range.start >= size || end < range.start) {
    throw new ValidationError(`range ${range.start}-${range.end ?? ''} is not satisfiable for ${size} bytes`);
  }
  return { start: range.start, end };
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** An ObjectStore in a Map: for unit tests of services and as the reference for the contract. */
export class InMemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, Stored>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly baseUrl = 'memory://objects',
  ) {}

  async put(key: string, body: BodyInput, options: PutOptions = {}): Promise<ObjectHead> {
    const bytes = await readBody(body, options.maxBytes);
    const head: ObjectHead = {
      key,
      size: bytes.byteLength,
      contentType: options.contentType ?? 'application/octet-stream',
      etag: createHash('md5').update(bytes).digest('hex'),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      lastModified: this.clock.now(),
    };
    if (options.cacheControl !== undefined) head.cacheControl = options.cacheControl;
    if (options.contentDisposition !== undefined) head.contentDisposition = options.contentDisposition;
    this.objects.set(key, { head, bytes: bytes.slice() });
    return { ...head };
  }

  async get(key: string, range?: ByteRange): Promise<GetResult> {
    const stored = this.objects.get(key);
    if (!stored) throw new NotFoundError(`no object at ${key}`);
    if (!range) return { head: { ...stored.head }, body: once(stored.bytes.slice()) };
    const resolved = resolveRange(range, stored.head.size);
    return { head: { ...stored.head }, body: once(stored.bytes.slice(resolved.start, resolved.end + 1)), range: resolved };
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    const stored = this.objects.get(key);
    return stored ? { ...stored.head } : undefined;
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    let count = 0;
    for (const key of [...this.objects.keys()]) {
      if (key.startsWith(prefix)) {
        this.objects.delete(key);
        count += 1;
      }
    }
    return count;
  }

  async *list(prefix: string): AsyncIterable<ObjectHead> {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    for (const key of keys) {
      const stored = this.objects.get(key);
      if (stored) yield { ...stored.head };
    }
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest> {
    const headers: Record<string, string> = {};
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    return {
      method: 'PUT',
      url: `${this.baseUrl}/${encodeURI(key)}?op=put`,
      headers,
      expiresAt: new Date(this.clock.now().getTime() + options.expiresInSeconds * 1000),
    };
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest> {
    return {
      method: 'GET',
      url: `${this.baseUrl}/${encodeURI(key)}?op=get${options.downloadFilename === undefined ? '' : `&download=${encodeURIComponent(options.downloadFilename)}`}`,
      headers: {},
      expiresAt: new Date(this.clock.now().getTime() + options.expiresInSeconds * 1000),
    };
  }

  /** Number of stored objects (tests check nothing is left behind). */
  get size(): number {
    return this.objects.size;
  }
}
