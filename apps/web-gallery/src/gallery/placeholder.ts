import { thumbHashToDataURL } from 'thumbhash';

const cache = new Map<string, string | null>();

/**
 * The data URL of an item's ThumbHash (a ~30-byte blurred preview), decoded once per hash.
 * Returns `null` for a missing or malformed hash; the dominant colour then stands in.
 */
export function thumbhashDataUrl(hash: string | undefined): string | null {
  if (!hash) return null;
  const known = cache.get(hash);
  if (known !== undefined) return known;
  let url: string | null = null;
  try {
    const binary = atob(hash);
    url = thumbHashToDataURL(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    url = null;
  }
  if (cache.size > 5000) cache.clear();
  cache.set(hash, url);
  return url;
}
