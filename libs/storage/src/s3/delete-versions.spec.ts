import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { StorageError } from '../errors.js';
import { mockClient } from 'aws-sdk-client-mock';
import { S3ObjectStore } from './s3-object-store.js';

// S3's versioning has no emulator here (s3rver keeps one version per key): the requests the store
// makes are checked against a mocked client instead.

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
const PREFIX = 'renditions/alice/01JQ0000000000000000000004/';

beforeEach(() => s3.reset());

describe('S3ObjectStore.deleteAllVersions', () => {
  it('deletes every version and delete marker under the prefix, page by page, by version id', async () => {
    s3.on(ListObjectVersionsCommand, { KeyMarker: undefined })
      .resolves({
        Versions: [
          { Key: `${PREFIX}thumb.webp`, VersionId: 'v2' },
          { Key: `${PREFIX}thumb.webp`, VersionId: 'v1' },
        ],
        DeleteMarkers: [{ Key: `${PREFIX}small.webp`, VersionId: 'd1' }],
        IsTruncated: true,
        NextKeyMarker: `${PREFIX}thumb.webp`,
        NextVersionIdMarker: 'v1',
      })
      .on(ListObjectVersionsCommand, { KeyMarker: `${PREFIX}thumb.webp`, VersionIdMarker: 'v1' })
      .resolves({ Versions: [{ Key: `${PREFIX}small.webp`, VersionId: 's1' }], IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});
    const store = new S3ObjectStore({ bucket: 'media', region: 'eu-west-1' }, { client, presignClient: client });
    expect(await store.deleteAllVersions(PREFIX)).toBe(4);
    expect(s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input.Prefix)).toEqual([PREFIX, PREFIX]);
    expect(s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete?.Objects)).toEqual([
      [
        { Key: `${PREFIX}thumb.webp`, VersionId: 'v2' },
        { Key: `${PREFIX}thumb.webp`, VersionId: 'v1' },
        { Key: `${PREFIX}small.webp`, VersionId: 'd1' },
      ],
      [{ Key: `${PREFIX}small.webp`, VersionId: 's1' }],
    ]);
  });

  it('reports versions S3 refused, and refuses the whole bucket', async () => {
    s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: `${PREFIX}thumb.webp`, VersionId: 'v1' }], IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: `${PREFIX}thumb.webp`, Code: 'AccessDenied', Message: 'denied' }] });
    const store = new S3ObjectStore({ bucket: 'media', region: 'eu-west-1' }, { client, presignClient: client });
    await expect(store.deleteAllVersions(PREFIX)).rejects.toBeInstanceOf(StorageError);
    await expect(store.deleteAllVersions('')).rejects.toThrow('refusing to delete every object');
    // Nothing under the prefix: nothing to send.
    s3.reset();
    s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
    expect(await store.deleteAllVersions(PREFIX)).toBe(0);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });
});
