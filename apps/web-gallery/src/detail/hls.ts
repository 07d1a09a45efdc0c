/**
 * A visitor's (or a moderator's) rendition URLs carry a short-lived grant in their query string
 * (`?grant=…` on `mediaflow serve`, CloudFront's `?Policy=…&Signature=…&Key-Pair-Id=…` in the
 * cloud), where an owner has cookies instead. A playlist names its variants and segments by
 * relative URLs, which lose the master's query when resolved: these helpers put it back.
 */

/** The master playlist URL's query string, `?` included, or '' when it has none. */
export function grantQuery(masterUrl: string): string {
  const end = masterUrl.includes('#') ? masterUrl.indexOf('#') : masterUrl.length;
  const start = masterUrl.indexOf('?');
  return start >= 0 && start < end && end - start > 1 ? masterUrl.slice(start, end) : '';
}

/**
 * `url` with the grant appended when it has no query of its own (a URL that has one is signed
 * already, or is someone else's, and is left alone).
 * @example
 * withGrant('https://x/hls/v0/seg1.ts', '?grant=abc') // 'https://x/hls/v0/seg1.ts?grant=abc'
 */
export function withGrant(url: string, query: string): string {
  if (query === '') return url;
  const hash = url.indexOf('#');
  const path = hash >= 0 ? url.slice(0, hash) : url;
  if (path.includes('?')) return url;
  return `${path}${query}${hash >= 0 ? url.slice(hash) : ''}`;
}

/** What hls.js needs to load a stream from `masterUrl`. */
export interface HlsSetup {
  enableWorker: boolean;
  xhrSetup?: (xhr: XMLHttpRequest, url: string) => void;
}

/**
 * hls.js options for a master playlist: with a grant in its query, every playlist and segment
 * request without a query of its own is opened with the grant appended (hls.js sends a request
 * `xhrSetup` has opened as it is); without one, requests go out untouched.
 */
export function hlsSetup(masterUrl: string): HlsSetup {
  // No worker: a blob: worker would need `worker-src blob:` in the CSP; transmuxing on the main thread is fine at these sizes.
  const setup: HlsSetup = { enableWorker: false };
  const query = grantQuery(masterUrl);
  if (query !== '') {
    setup.xhrSetup = (xhr, url) => {
      const granted = withGrant(url, query);
      if (granted !== url) xhr.open('GET', granted, true);
    };
  }
  return setup;
}
