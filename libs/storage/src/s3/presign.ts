import { ValidationError } from '@mediaflow/domain';
import { MAX_PRESIGN_SECONDS } from './config.js';

/** Checks a presign lifetime and returns when the URL stops working. */
export function presignExpiry(now: Date, expiresInSeconds: number): Date {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new ValidationError(`expiresInSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS}`, [
      { path: 'expiresInSeconds', message: 'out of range' },
    ]);
  }
  return new Date(now.getTime() + expiresInSeconds * 1000);
}

/** A hex SHA-256 as S3 wants it in `x-amz-checksum-sha256` (base64 of the 32 bytes). */
export function sha256HexToBase64(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw new ValidationError('sha256 must be 64 lower-case hex digits', [{ path: 'sha256', message: 'invalid' }]);
  }
  return Buffer.from(sha256, 'hex').toString('base64');
}

export function nonNegativeInteger(value: number, path: string): void {
  if (!Number.isInteger(value) || value < 0) throw new ValidationError(`${path} must be a non-negative integer`, [{ path, message: 'invalid' }]);
}
