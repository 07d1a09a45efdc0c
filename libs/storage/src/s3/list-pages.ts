import { ListObjectsV2Command, type _Object, type S3Client } from '@aws-sdk/client-s3';

/**
 * ListObjectsV2 pages under `prefix`. Each page starts after the last key of the one before
 * (`StartAfter`) rather than at a continuation token: the same cost and order on S3, and the
 * position stays meaningful while `deleteByPrefix` removes the pages it has seen.
 */
export async function* listObjectPages(client: S3Client, bucket: string, prefix: string, pageSize: number): AsyncGenerator<_Object[]> {
  let startAfter: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        MaxKeys: pageSize,
        ...(startAfter === undefined ? {} : { StartAfter: startAfter }),
      }),
    );
    const objects = (page.Contents ?? []).filter((o) => o.Key !== undefined);
    if (objects.length > 0) yield objects;
    const last = objects[objects.length - 1]?.Key;
    if (page.IsTruncated !== true || last === undefined) return;
    startAfter = last;
  }
}
