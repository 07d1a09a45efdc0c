import { grantQuery, hlsSetup, withGrant } from './hls';

describe('HLS grants', () => {
  const CLOUD = '?Policy=eyJ&Signature=abc~&Key-Pair-Id=K1';

  it('takes the master playlist URL’s query string, if any', () => {
    expect(grantQuery('/media/renditions/alice/01J/hls/master.m3u8?grant=g1')).toBe('?grant=g1');
    expect(grantQuery(`https://cdn.example.com/hls/master.m3u8${CLOUD}#t=1`)).toBe(CLOUD);
    expect(grantQuery('/media/renditions/alice/01J/hls/master.m3u8')).toBe('');
    expect(grantQuery('/hls/master.m3u8?')).toBe('');
  });

  it('appends it to playlist and segment URLs that have no query of their own', () => {
    expect(withGrant('http://localhost:3000/media/hls/v0/index.m3u8', '?grant=g1')).toBe('http://localhost:3000/media/hls/v0/index.m3u8?grant=g1');
    expect(withGrant('https://cdn.example.com/hls/v1/seg-3.ts', CLOUD)).toBe(`https://cdn.example.com/hls/v1/seg-3.ts${CLOUD}`);
    expect(withGrant('https://cdn.example.com/hls/v1/seg-3.ts#frag', CLOUD)).toBe(`https://cdn.example.com/hls/v1/seg-3.ts${CLOUD}#frag`);
    expect(withGrant('https://cdn.example.com/hls/v1/seg-3.ts?other=1', CLOUD)).toBe('https://cdn.example.com/hls/v1/seg-3.ts?other=1');
    expect(withGrant('https://cdn.example.com/hls/v1/seg-3.ts', '')).toBe('https://cdn.example.com/hls/v1/seg-3.ts');
  });

  it('has hls.js open each request without a query with the master’s grant', () => {
    const setup = hlsSetup('/media/renditions/bob/01J/hls/master.m3u8?grant=g1');
    expect(setup.enableWorker).toBe(false);
    const opened: unknown[][] = [];
    const xhr = { open: (...args: unknown[]) => opened.push(args) } as unknown as XMLHttpRequest;
    setup.xhrSetup?.(xhr, 'http://localhost/media/renditions/bob/01J/hls/v0/index.m3u8');
    setup.xhrSetup?.(xhr, 'http://localhost/media/renditions/bob/01J/hls/master.m3u8?grant=g1');
    // Left unopened, hls.js opens it itself with its own URL.
    expect(opened).toEqual([['GET', 'http://localhost/media/renditions/bob/01J/hls/v0/index.m3u8?grant=g1', true]]);
  });

  it('leaves the owner’s own playback (no query, cookies) as it is', () => {
    expect(hlsSetup('/media/renditions/alice/01J/hls/master.m3u8')).toEqual({ enableWorker: false });
  });
});
