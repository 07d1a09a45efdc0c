import { createHash } from 'node:crypto';
import { type Clock, type MultipartPlan, type MultipartUploads, NotFoundError, type ObjectHead, type ObjectStore, type PresignedParts, type ReceivedPart, ValidationError } from '@mediaflow/domain';

interface Upload {
  key: string;
  size: number;
  partSize: number;
  partCount: number;
  parts: Map<number, Buffer>;
}

/**
 * Multipart uploads in memory, with the port's semantics as the fs and S3 adapters have them:
 * part URLs name the upload and the part (`memory-parts://{uploadId}/{n}?length=&expires=`),
 * `putPart` stands in for the PUT, `complete` checks every part and its etag, in order, and writes
 * the object to `store`. `aborted` records
 * every abort, for tests of who discards an upload.
 */
export class MemoryMultipartUploads implements MultipartUploads {
  readonly uploads = new Map<string, Upload>();
  readonly aborted: { key: string; uploadId: string }[] = [];
  private next = 0;

  constructor(
    private readonly clock: Clock,
    private readonly store: Pick<ObjectStore, 'put'>,
  ) {}

  async start(key: string, size: number, options: { partSize: number }): Promise<MultipartPlan> {
    this.next += 1;
    const uploadId = `upload-${this.next}`;
    const partCount = Math.ceil(size / options.partSize);
    this.uploads.set(uploadId, { key, size, partSize: options.partSize, partCount, parts: new Map() });
    return { uploadId, partSize: options.partSize, partCount };
  }

  async presignParts(
    key: string,
    uploadId: string,
    plan: { size: number; partSize: number },
    numbers: readonly number[],
    options: { expiresInSeconds: number },
  ): Promise<PresignedParts> {
    const partCount = Math.ceil(plan.size / plan.partSize);
    if (numbers.some((n) => !Number.isInteger(n) || n < 1 || n > partCount)) throw new ValidationError('part out of range', [{ path: 'numbers', message: 'out of range' }]);
    const expiresAt = new Date(this.clock.now().getTime() + options.expiresInSeconds * 1000);
    const length = (n: number): number => (n < partCount ? plan.partSize : plan.size - plan.partSize * (partCount - 1));
    return {
      parts: numbers.map((number) => ({ number, url: `memory-parts://${uploadId}/${number}?key=${encodeURIComponent(key)}&length=${length(number)}&expires=${expiresAt.getTime()}` })),
      expiresAt,
    };
  }

  /** The PUT of a part: refused once the upload is gone, as S3 refuses it. */
  putPart(uploadId: string, number: number, body: Buffer): string {
    const upload = this.uploads.get(uploadId);
    if (upload === undefined) throw new NotFoundError(`no upload ${uploadId}`);
    upload.parts.set(number, body);
    return createHash('md5').update(body).digest('hex');
  }

  async listParts(key: string, uploadId: string): Promise<ReceivedPart[]> {
    const upload = this.uploads.get(uploadId);
    if (upload?.key !== key) throw new NotFoundError(`no upload ${uploadId}`);
    return [...upload.parts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([number, body]) => ({ number, etag: createHash('md5').update(body).digest('hex'), size: body.byteLength }));
  }

  async complete(key: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<ObjectHead> {
    const upload = this.uploads.get(uploadId);
    if (upload?.key !== key) throw new NotFoundError(`no upload ${uploadId}`);
    // As S3 and the local store: every part, in order, each with the etag its PUT answered.
    if (parts.length !== upload.partCount || parts.some((p, i) => p.number !== i + 1)) {
      throw new ValidationError(`complete needs parts 1 to ${upload.partCount}, in order`, [{ path: 'parts', message: 'incomplete or out of order' }]);
    }
    const bodies = parts.map((p) => {
      const body = upload.parts.get(p.number);
      if (body === undefined) throw new ValidationError(`part ${p.number} has not been uploaded`, [{ path: `parts.${p.number - 1}`, message: 'missing' }]);
      if (createHash('md5').update(body).digest('hex') !== p.etag.replace(/^"(.*)"$/, '$1').toLowerCase()) {
        throw new ValidationError(`part ${p.number} does not match its etag`, [{ path: `parts.${p.number - 1}.etag`, message: 'mismatch' }]);
      }
      return body;
    });
    this.uploads.delete(uploadId);
    return this.store.put(key, Buffer.concat(bodies));
  }

  async abort(key: string, uploadId: string): Promise<void> {
    this.aborted.push({ key, uploadId });
    this.uploads.delete(uploadId);
  }
}
