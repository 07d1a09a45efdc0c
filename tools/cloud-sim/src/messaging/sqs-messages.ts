/** Digests and limits SQS applies to each message. */
import { createHash } from 'node:crypto';
import type { MessageAttributes } from './filter-policy.js';

export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer[] {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return [length, bytes];
}

/**
 * `MD5OfMessageAttributes` as SQS computes it: for each attribute in name order, the name, the data
 * type, a transport byte (1 text, 2 binary) and the value, each length-prefixed (4 bytes, big endian).
 * The SDKs recompute it, so it has to be exact.
 */
export function md5OfMessageAttributes(attributes: MessageAttributes): string | undefined {
  const names = Object.keys(attributes).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const attribute = attributes[name] as MessageAttributes[string];
    parts.push(...lengthPrefixed(Buffer.from(name)), ...lengthPrefixed(Buffer.from(attribute.DataType)));
    if (attribute.BinaryValue !== undefined && attribute.DataType.startsWith('Binary')) {
      parts.push(Buffer.from([2]), ...lengthPrefixed(attribute.BinaryValue));
    } else {
      parts.push(Buffer.from([1]), ...lengthPrefixed(Buffer.from(attribute.StringValue ?? '')));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

/** The characters SQS accepts in a body or string attribute (XML 1.0's). */
const VALID_TEXT = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

export function isValidMessageText(text: string): boolean {
  return VALID_TEXT.test(text);
}

/**
 * SQS's message size limit, body and attributes together. Raised from 256 KiB to 1 MiB in 2025;
 * SNS stays at 256 KiB, so no message published through the topic comes near it.
 */
export const MAX_SQS_MESSAGE_BYTES = 1024 * 1024;

export function messageSize(body: string, attributes: MessageAttributes): number {
  let size = Buffer.byteLength(body);
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType);
    size += attribute.BinaryValue?.length ?? Buffer.byteLength(attribute.StringValue ?? '');
  }
  return size;
}
