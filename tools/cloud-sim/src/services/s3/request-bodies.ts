import { CHECKSUM_ALGORITHMS, checksumElement, type ChecksumAlgorithm } from './checksums.js';
import { S3Error } from './errors.js';
import { elements, leafText } from './xml.js';

/** S3's limit on the keys of one DeleteObjects. */
export const MAX_DELETE_KEYS = 1000;

/** One `<Object>` of a DeleteObjects body: a key, and the version of it to delete if one is named. */
export interface DeletedObject {
  key: string;
  versionId?: string;
}

/** `<Delete><Quiet>true</Quiet><Object><Key>a</Key><VersionId>v</VersionId></Object>...</Delete>` */
export function parseDeleteObjects(xml: string): { quiet: boolean; objects: DeletedObject[] } {
  if (elements(xml, 'Delete').length !== 1) throw new S3Error('MalformedXML');
  const objects = elements(xml, 'Object').map((inner) => {
    const key = leafText(inner, 'Key');
    if (key === undefined || key === '') throw new S3Error('MalformedXML');
    const versionId = leafText(inner, 'VersionId');
    return versionId === undefined ? { key } : { key, versionId };
  });
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw new S3Error('MalformedXML');
  return { quiet: leafText(xml, 'Quiet')?.trim().toLowerCase() === 'true', objects };
}

/** One `<Part>` of a CompleteMultipartUpload body. */
export interface CompletedPart {
  partNumber: number;
  /** Without quotes. */
  etag: string;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

/** `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"..."</ETag></Part>...` */
export function parseCompleteMultipartUpload(xml: string): CompletedPart[] {
  if (elements(xml, 'CompleteMultipartUpload').length !== 1) throw new S3Error('MalformedXML');
  const parts = elements(xml, 'Part').map((inner) => {
    const number = leafText(inner, 'PartNumber')?.trim() ?? '';
    const etag = leafText(inner, 'ETag')?.trim();
    if (!/^\d+$/.test(number) || etag === undefined) throw new S3Error('MalformedXML');
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const value = leafText(inner, checksumElement(algorithm));
      if (value !== undefined) checksums[algorithm] = value.trim();
    }
    return { partNumber: Number(number), etag: etag.replace(/^"(.*)"$/, '$1'), checksums };
  });
  if (parts.length === 0) throw new S3Error('MalformedXML');
  return parts;
}
