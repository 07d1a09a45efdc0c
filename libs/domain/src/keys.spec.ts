import { ValidationError } from './errors.js';
import { originalKey, ownerPrefixes, parseKey, renditionKey, renditionPrefix } from './keys.js';

const ID = '01HZY3M8Q4W6E2R9T5Y7V1A3B0';

describe('object keys', () => {
  it('lays out originals and renditions as DESIGN.md says', () => {
    expect(originalKey('alice', ID)).toBe(`originals/alice/${ID}`);
    expect(renditionKey('alice', ID, 'medium', 'webp')).toBe(`renditions/alice/${ID}/medium.webp`);
    expect(renditionKey('alice', ID, 'hls/720p', 'm3u8')).toBe(`renditions/alice/${ID}/hls/720p.m3u8`);
    expect(renditionPrefix('alice', ID)).toBe(`renditions/alice/${ID}/`);
    expect(ownerPrefixes('alice')).toEqual(['originals/alice/', 'renditions/alice/']);
  });

  it('gives a re-render a new key so cached URLs never change content', () => {
    expect(renditionKey('alice', ID, 'medium', 'webp', 2)).toBe(`renditions/alice/${ID}/medium.r2.webp`);
    expect(renditionKey('alice', ID, 'medium', 'webp', 2)).not.toBe(renditionKey('alice', ID, 'medium', 'webp'));
  });

  it.each([
    () => originalKey('../bob', ID),
    () => originalKey('alice', '../../etc/passwd'),
    () => renditionKey('alice', ID, '../x', 'webp'),
    () => renditionKey('alice', ID, 'thumb', 'we/bp'),
    () => renditionKey('alice', ID, 'thumb', ''),
    () => renditionKey('alice', ID, 'thumb', 'webp', 0),
    () => renditionPrefix('', ID),
  ])('refuses hostile parts (%#)', (build) => {
    expect(build).toThrow(ValidationError);
  });

  it('parses keys back and refuses anything off the layout', () => {
    expect(parseKey(`originals/alice/${ID}`)).toEqual({ type: 'original', ownerId: 'alice', mediaId: ID });
    expect(parseKey(`renditions/alice/${ID}/hls/720p.m3u8`)).toEqual({ type: 'rendition', ownerId: 'alice', mediaId: ID, path: 'hls/720p.m3u8' });
    for (const bad of [
      '',
      'originals/alice',
      `originals/alice/${ID}/extra`,
      `renditions/alice/${ID}`,
      `renditions/alice/${ID}/../../x`,
      `renditions/alice/${ID}/a//b`,
      `renditions/../${ID}/x.webp`,
      `other/alice/${ID}`,
      `renditions/alice/not-an-id/x.webp`,
    ]) {
      expect(parseKey(bad)).toBeUndefined();
    }
  });

  it('round-trips every key it builds', () => {
    const key = renditionKey('bob', ID, 'thumb', 'avif', 3);
    expect(parseKey(key)).toEqual({ type: 'rendition', ownerId: 'bob', mediaId: ID, path: 'thumb.r3.avif' });
  });
});
