import { createVerify, generateKeyPairSync } from 'node:crypto';
import { renditionKey } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { IMMUTABLE_CACHE } from '@mediaflow/media-service';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from './app.js';
import { bearerTokens } from './auth.js';
import { fromCloudFrontBase64 } from './cloudfront-signing.js';
import { LocalTokens } from './local-tokens.js';
import { CachedMediaGrants, CloudFrontMediaGrants, LocalMediaGrants, MEDIA_GRANT_SECONDS, mediaGrantExpiry } from './media-grants.js';

const SECRET = Buffer.alloc(32, 5);
const A = '01JQ0000000000000000000001';
const B = '01JQ0000000000000000000002';
const NOW = new Date('2027-01-01T00:00:00.400Z');

describe('mediaGrantExpiry', () => {
  it('is at most 15 minutes ahead and the same for 5 minutes at a time, so URLs stay cacheable', () => {
    expect(MEDIA_GRANT_SECONDS).toBe(900);
    expect(mediaGrantExpiry(new Date('2027-01-01T00:00:00Z')).toISOString()).toBe('2027-01-01T00:15:00.000Z');
    expect(mediaGrantExpiry(new Date('2027-01-01T00:04:59Z')).toISOString()).toBe('2027-01-01T00:15:00.000Z');
    expect(mediaGrantExpiry(new Date('2027-01-01T00:05:00Z')).toISOString()).toBe('2027-01-01T00:20:00.000Z');
    for (let s = 0; s < 900; s += 37) {
      const now = new Date(NOW.getTime() + s * 1000);
      const ahead = mediaGrantExpiry(now).getTime() - now.getTime();
      expect(ahead).toBeGreaterThan(600_000);
      expect(ahead).toBeLessThanOrEqual(900_000);
    }
  });
});

describe('LocalMediaGrants', () => {
  const grants = new LocalMediaGrants(SECRET);
  const expiresAt = new Date('2027-01-01T00:15:00Z');
  const valueOf = async (owner: string, id: string) => (await grants.grant(owner, id, expiresAt)).replace(/^grant=/, '');

  it('opens exactly the item it was made for, until it expires', async () => {
    const grant = await valueOf('alice', A);
    expect(grant).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect(grants.verify('alice', A, grant, NOW)).toEqual(expiresAt);
    expect(grants.verify('alice', B, grant, NOW)).toBeUndefined();
    expect(grants.verify('bob', A, grant, NOW)).toBeUndefined();
    expect(grants.verify('alice', A, grant, expiresAt)).toBeUndefined();
    expect(new LocalMediaGrants(Buffer.alloc(32, 6)).verify('alice', A, grant, NOW)).toBeUndefined();
  });

  it('refuses a tampered expiry or signature, and anything malformed', async () => {
    const grant = await valueOf('alice', A);
    const [expiry = '', mac = ''] = grant.split('.');
    for (const bad of [`${Number(expiry) + 3600}.${mac}`, `${expiry}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, '', 'x', `${expiry}.`, `${expiry}.${mac}.`, `-1.${mac}`]) {
      expect([bad, grants.verify('alice', A, bad, NOW)]).toEqual([bad, undefined]);
    }
  });

  it('will not name a wider set than one item', async () => {
    await expect(grants.grant('*', A, expiresAt)).rejects.toThrow();
    await expect(grants.grant('alice', '*', expiresAt)).rejects.toThrow();
    expect(() => new LocalMediaGrants(Buffer.alloc(16))).toThrow('32 bytes');
  });
});

describe('CloudFrontMediaGrants', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const BASE = 'https://d111111abcdef8.cloudfront.net/media';

  it('signs a custom policy for the item’s renditions only, as URL parameters, loading the key once', async () => {
    const load = jest.fn(async () => PEM);
    const grants = new CloudFrontMediaGrants({ keyPairId: 'K2JCJMDEHXQW5F', loadPrivateKey: load, mediaBaseUrl: `${BASE}/` });
    const expiresAt = new Date('2027-01-01T00:15:00Z');
    const query = new URLSearchParams(await grants.grant('alice', A, expiresAt));
    expect([...query.keys()]).toEqual(['Policy', 'Signature', 'Key-Pair-Id']);
    const policy = fromCloudFrontBase64(query.get('Policy') ?? '').toString('utf8');
    expect(JSON.parse(policy)).toEqual({ Statement: [{ Resource: `${BASE}/renditions/alice/${A}/*`, Condition: { DateLessThan: { 'AWS:EpochTime': expiresAt.getTime() / 1000 } } }] });
    expect(createVerify('RSA-SHA1').update(policy).verify(publicKey, fromCloudFrontBase64(query.get('Signature') ?? ''))).toBe(true);
    expect(query.get('Key-Pair-Id')).toBe('K2JCJMDEHXQW5F');
    await grants.grant('bob', B, expiresAt);
    expect(load).toHaveBeenCalledTimes(1);
    await expect(grants.grant('alice*', A, expiresAt)).rejects.toThrow();
    expect(() => new CloudFrontMediaGrants({ keyPairId: 'K', loadPrivateKey: load, mediaBaseUrl: 'http://x/media' })).toThrow('https');
  });
});

describe('the local /media route with a grant', () => {
  async function setup() {
    const deps = inMemoryDeps();
    const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), now: () => deps.clock.now() });
    const app = createApi({ deps, verifier: bearerTokens(tokens), mediaFiles: {}, shares: { secret: SECRET } });
    for (const [owner, id] of [
      ['alice', A],
      ['alice', B],
    ] as const) {
      const thumb = { name: 'thumb', format: 'webp' as const, key: renditionKey(owner, id, 'thumb', 'webp'), contentType: 'image/webp', bytes: 4 };
      await deps.repo.create(makeMediaItem({ id, ownerId: owner, status: 'ready', renditions: [thumb] }));
      await deps.store.put(thumb.key, new Uint8Array([1, 2, 3, 4]), { contentType: 'image/webp', cacheControl: IMMUTABLE_CACHE });
      await deps.store.put(`originals/${owner}/${id}`, new Uint8Array([9]));
    }
    const grant = await new LocalMediaGrants(SECRET).grant('alice', A, mediaGrantExpiry(deps.clock.now()));
    return { deps, app, tokens, grant };
  }

  it('serves the item’s renditions to anyone holding the grant, cached privately no longer than it lasts', async () => {
    const { app, grant, deps } = await setup();
    const res = await app.request(`/media/renditions/alice/${A}/thumb.webp?${grant}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([1, 2, 3, 4]));
    const seconds = (mediaGrantExpiry(deps.clock.now()).getTime() - deps.clock.now().getTime()) / 1000;
    expect(res.headers.get('cache-control')).toBe(`private, max-age=${Math.floor(seconds)}`);
    expect((await app.request(`/media/renditions/alice/${A}/thumb.webp?${grant}`, { method: 'HEAD' })).status).toBe(200);
    // Any file of the item, however deep: a player adds the grant to the segments a playlist names.
    await deps.store.put(`renditions/alice/${A}/hls/v0/seg1.ts`, new Uint8Array([7]), { contentType: 'video/mp2t', cacheControl: IMMUTABLE_CACHE });
    expect((await app.request(`/media/renditions/alice/${A}/hls/v0/seg1.ts?${grant}`)).status).toBe(200);
  });

  it('refuses it (403) for another item, an original, once expired or tampered with, even beside the owner’s own cookie', async () => {
    const { app, grant, deps, tokens } = await setup();
    const cookie = { cookie: `mf_token=${tokens.issue('alice')}` };
    const [, value = ''] = grant.split('=');
    const [expiry = '', mac = ''] = value.split('.');
    const refused = [
      `/media/renditions/alice/${B}/thumb.webp?${grant}`,
      `/media/originals/alice/${A}?${grant}`,
      `/media/renditions/alice/${A}/thumb.webp?grant=${Number(expiry) + 600}.${mac}`,
      `/media/renditions/alice/${A}/thumb.webp?grant=${expiry}.${mac.slice(1)}x`,
      `/media/renditions/alice/${A}/thumb.webp?grant=`,
    ];
    for (const path of refused) {
      const res = await app.request(path, { headers: cookie });
      expect([path, res.status]).toEqual([path, 403]);
    }
    deps.clock.advance(MEDIA_GRANT_SECONDS * 1000);
    expect((await app.request(`/media/renditions/alice/${A}/thumb.webp?${grant}`)).status).toBe(403);
    // Without a grant, the owner's cookie works as before; nobody else's request does.
    expect((await app.request(`/media/renditions/alice/${A}/thumb.webp`, { headers: cookie })).status).toBe(200);
    expect((await app.request(`/media/renditions/alice/${A}/thumb.webp`)).status).toBe(401);
  });
});

describe('CachedMediaGrants', () => {
  /** A signer that counts what it signs, and refuses what it is told to. */
  function counting() {
    const signed: string[] = [];
    const signer = {
      async grant(ownerId: string, mediaId: string, expiresAt: Date): Promise<string> {
        signed.push(`${ownerId}/${mediaId}@${expiresAt.getTime()}`);
        if (ownerId === 'broken') throw new Error('no key');
        return `sig=${ownerId}.${mediaId}.${expiresAt.getTime()}.${signed.length}`;
      },
    };
    return { signer, signed };
  }
  const at = new Date('2027-01-01T00:15:00Z');
  const later = new Date('2027-01-01T00:20:00Z');

  it('signs each (owner, item, expiry) once, and again once the expiry moves', async () => {
    const { signer, signed } = counting();
    const grants = new CachedMediaGrants(signer);
    const first = await grants.grant('alice', A, at);
    expect(await grants.grant('alice', A, at)).toBe(first);
    const [b, bob] = [await grants.grant('alice', B, at), await grants.grant('bob', A, at)];
    expect(new Set([first, b, bob]).size).toBe(3);
    expect(await grants.grant('alice', A, later)).not.toBe(first);
    expect(signed).toEqual([`alice/${A}@${at.getTime()}`, `alice/${B}@${at.getTime()}`, `bob/${A}@${at.getTime()}`, `alice/${A}@${later.getTime()}`]);
    // Asked for at once, signed once.
    const together = await Promise.all([grants.grant('carol', A, at), grants.grant('carol', A, at)]);
    expect(together[0]).toBe(together[1]);
    expect(signed).toHaveLength(5);
  });

  it('keeps the most recently used grants only, and never a refusal', async () => {
    const { signer, signed } = counting();
    const grants = new CachedMediaGrants(signer, 2);
    await grants.grant('alice', A, at);
    await grants.grant('alice', B, at);
    await grants.grant('alice', A, at); // used again: B is now the oldest
    await grants.grant('bob', A, at); // B leaves
    expect(grants.size).toBe(2);
    await grants.grant('alice', A, at);
    expect(signed).toHaveLength(3);
    await grants.grant('alice', B, at);
    expect(signed).toHaveLength(4);

    await expect(grants.grant('broken', A, at)).rejects.toThrow('no key');
    await expect(grants.grant('broken', A, at)).rejects.toThrow('no key');
    expect(signed.filter((s) => s.startsWith('broken/'))).toHaveLength(2);
    expect(() => new CachedMediaGrants(signer, 0)).toThrow(RangeError);
  });

  it('refuses what the signer refuses: ids that would widen the grant', async () => {
    const grants = new CachedMediaGrants(new LocalMediaGrants(SECRET));
    await expect(grants.grant('alice', A, at)).resolves.toMatch(/^grant=/);
    await expect(grants.grant('../bob', A, at)).rejects.toThrow();
    await expect(grants.grant('alice', '*', at)).rejects.toThrow();
    expect(grants.size).toBe(1);
  });
});
