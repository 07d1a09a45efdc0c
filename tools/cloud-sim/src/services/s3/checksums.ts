import { createHash } from 'node:crypto';
import { S3Error } from './errors.js';

/** The additional checksums S3 accepts, as the `x-amz-checksum-algorithm` header spells them. */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** A checksum an object or part carries: base64, and for multipart objects `...-N` when COMPOSITE. */
export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/** `ChecksumCRC32`: the element name in XML results. */
export function checksumElement(algorithm: ChecksumAlgorithm): string {
  return `Checksum${algorithm}`;
}

export function parseChecksumAlgorithm(value: string | undefined): ChecksumAlgorithm | undefined {
  if (value === undefined || value === '') return undefined;
  const upper = value.toUpperCase();
  const found = CHECKSUM_ALGORITHMS.find((a) => a === upper);
  if (found === undefined) throw new S3Error('InvalidRequest', { message: `Checksum algorithm ${value} is not supported.` });
  return found;
}

function crcTable(polynomial: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (polynomial ^ (c >>> 1)) >>> 0 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const CRC32_TABLE = crcTable(0xedb88320);
const CRC32C_TABLE = crcTable(0x82f63b78);

/** A running checksum: fed chunk by chunk (a multipart upload's parts), read once at the end. */
export interface RunningChecksum {
  update(data: Uint8Array): void;
  /** The raw checksum bytes. */
  digest(): Buffer;
}

function runningCrc(table: Uint32Array): RunningChecksum {
  let crc = 0xffffffff;
  return {
    update(data) {
      for (const byte of data) crc = (table[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
    },
    digest() {
      const out = Buffer.alloc(4);
      out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
      return out;
    },
  };
}

function runningHash(name: 'sha1' | 'sha256'): RunningChecksum {
  const hash = createHash(name);
  return { update: (data) => hash.update(data), digest: () => hash.digest() };
}

/** A running checksum for `algorithm`, or undefined for CRC64NVME, which the simulator accepts unchecked. */
export function runningChecksum(algorithm: ChecksumAlgorithm): RunningChecksum | undefined {
  switch (algorithm) {
    case 'CRC32':
      return runningCrc(CRC32_TABLE);
    case 'CRC32C':
      return runningCrc(CRC32C_TABLE);
    case 'SHA1':
      return runningHash('sha1');
    case 'SHA256':
      return runningHash('sha256');
    case 'CRC64NVME':
      return undefined;
  }
}

/** The base64 checksum of `data`, or undefined when the simulator does not compute that algorithm. */
export function computeChecksum(algorithm: ChecksumAlgorithm, data: Uint8Array): string | undefined {
  const running = runningChecksum(algorithm);
  if (running === undefined) return undefined;
  running.update(data);
  return running.digest().toString('base64');
}

/**
 * Checks the checksums a request declares for its (decoded) body: `Content-MD5` and any
 * `x-amz-checksum-*` header or aws-chunked trailer. Answers the one additional checksum to keep with
 * the object: the declared one, else one computed for `x-amz-sdk-checksum-algorithm` or the
 * upload's algorithm (`wanted`).
 */
export function verifyChecksums(fields: Record<string, string>, body: Uint8Array, wanted?: ChecksumAlgorithm): StoredChecksum | undefined {
  const md5 = fields['content-md5'];
  if (md5 !== undefined) {
    const declared = Buffer.from(md5, 'base64');
    if (declared.length !== 16) throw new S3Error('InvalidDigest');
    if (!declared.equals(createHash('md5').update(body).digest())) throw new S3Error('BadDigest');
  }
  let kept: StoredChecksum | undefined;
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const declared = fields[checksumHeader(algorithm)];
    if (declared === undefined) continue;
    const actual = computeChecksum(algorithm, body);
    if (actual !== undefined && actual !== declared) {
      throw new S3Error('BadDigest', { message: `The ${algorithm} you specified did not match the calculated checksum.` });
    }
    kept ??= { algorithm, value: declared, type: 'FULL_OBJECT' };
  }
  if (kept !== undefined) return kept;
  const algorithm = wanted ?? parseChecksumAlgorithm(fields['x-amz-sdk-checksum-algorithm']);
  if (algorithm === undefined) return undefined;
  const value = computeChecksum(algorithm, body);
  return value === undefined ? undefined : { algorithm, value, type: 'FULL_OBJECT' };
}
