export type Expiry = 'never' | '1d' | '7d' | '30d';

const DAY = 24 * 3600;

export const EXPIRY_OPTIONS: readonly { value: Expiry; label: string; seconds: number | undefined }[] = [
  { value: 'never', label: 'Never (until revoked)', seconds: undefined },
  { value: '1d', label: 'In 1 day', seconds: DAY },
  { value: '7d', label: 'In 7 days', seconds: 7 * DAY },
  { value: '30d', label: 'In 30 days', seconds: 30 * DAY },
];

/** `expiresInSeconds` for the API, or undefined for a link that lives until revoked. */
export function expiresInSeconds(expiry: Expiry): number | undefined {
  return EXPIRY_OPTIONS.find((o) => o.value === expiry)?.seconds;
}

/**
 * The link to hand out: the gallery's own origin and the API's path (`/s/{token}`), which the
 * gallery answers with the visitor page.
 * @example
 * shareUrl('https://media.example.com', '/s/abc') // 'https://media.example.com/s/abc'
 */
export function shareUrl(origin: string, path: string): string {
  return `${origin.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}
