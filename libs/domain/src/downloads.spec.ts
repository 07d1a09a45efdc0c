import { archiveKeys, DownloadRequestSchema, MAX_DOWNLOAD_ITEMS, ownerArchivesPrefix } from './downloads.js';
import { ValidationError } from './errors.js';

const ID = '01J00000000000000000000000';

describe('archive keys', () => {
  it('keeps everything of one archive under one prefix of its owner', () => {
    expect(archiveKeys('alice', ID)).toEqual({
      prefix: `downloads/alice/${ID}/`,
      request: `downloads/alice/${ID}/request.json`,
      outcome: `downloads/alice/${ID}/outcome.json`,
      archive: `downloads/alice/${ID}/archive.zip`,
    });
    expect(ownerArchivesPrefix('alice')).toBe('downloads/alice/');
  });

  it.each([
    ['../alice', ID],
    ['alice', '../../originals'],
    ['alice', ''],
  ])('refuses the owner %j with the archive id %j', (owner, id) => {
    expect(() => archiveKeys(owner, id)).toThrow(ValidationError);
  });
});

describe('DownloadRequestSchema', () => {
  it('keeps each id once, in order, and takes the original by default', () => {
    const other = '01J00000000000000000000001';
    expect(DownloadRequestSchema.parse({ ids: [other, ID, other] })).toEqual({ ids: [other, ID], rendition: 'original' });
    expect(DownloadRequestSchema.parse({ ids: [ID], rendition: 'hls/master' }).rendition).toBe('hls/master');
  });

  it.each([
    { ids: [] },
    { ids: Array.from({ length: MAX_DOWNLOAD_ITEMS + 1 }, () => ID) },
    { ids: [ID], rendition: '../secret' },
    { ids: [ID], rendition: 'Large' },
    { ids: [ID], extra: 1 },
  ])('refuses %j', (body) => {
    expect(DownloadRequestSchema.safeParse(body).success).toBe(false);
  });
});
