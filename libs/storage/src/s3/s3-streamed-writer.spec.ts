import { ValidationError } from '@mediaflow/domain';
import { MAX_PART_SIZE, MIN_PART_SIZE } from './config.js';
import { streamedPartSize } from './s3-streamed-writer.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

describe('streamedPartSize', () => {
  it('keeps the configured size while the expected body fits 9,000 parts of it', () => {
    expect(streamedPartSize(0, 8 * MIB)).toBe(8 * MIB);
    expect(streamedPartSize(2 * GIB, 8 * MIB)).toBe(8 * MIB);
    expect(streamedPartSize(9000 * 8 * MIB, 8 * MIB)).toBe(8 * MIB);
  });

  it('grows by whole MiB beyond that, leaving room for a body 10% larger than expected', () => {
    const size = streamedPartSize(200 * GIB, 8 * MIB);
    expect(size).toBe(23 * MIB);
    expect(Math.ceil((200 * GIB * 1.1) / size)).toBeLessThanOrEqual(10_000);
  });

  it('never goes under S3’s minimum', () => {
    expect(streamedPartSize(10, 1)).toBe(MIN_PART_SIZE);
  });

  it('refuses what does not fit S3’s largest object, and a size that is not one', () => {
    expect(streamedPartSize(9000 * MAX_PART_SIZE, 8 * MIB)).toBe(MAX_PART_SIZE);
    expect(() => streamedPartSize(9000 * MAX_PART_SIZE + 1, 8 * MIB)).toThrow(ValidationError);
    expect(() => streamedPartSize(-1, 8 * MIB)).toThrow(ValidationError);
    expect(() => streamedPartSize(1.5, 8 * MIB)).toThrow(ValidationError);
  });
});
