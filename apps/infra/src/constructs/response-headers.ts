import { Duration, Token } from 'aws-cdk-lib';
import { HeadersFrameOption, HeadersReferrerPolicy, ResponseHeadersPolicy } from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';

/**
 * HSTS for two years on every subdomain, with `preload`: the site is HTTPS only, and two years is
 * what the preload list asks for.
 */
const HSTS = { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true };

/** What `/media/*` answers carry, as the local server sends them: served bytes never run as a page. */
const MEDIA_CSP = "default-src 'none'; sandbox";

export interface GalleryCspOptions {
  /** Origin of the Cognito hosted UI, for the token exchange. */
  readonly authOrigin?: string;
  /** Origins presigned upload PUTs go to. */
  readonly uploadOrigins?: readonly string[];
}

/**
 * The Content-Security-Policy the gallery runs under in the cloud. It is the policy the gallery's
 * e2e run enforces (`apps/web-gallery/e2e/run.mjs`) less `blob:` images, which nothing in the
 * gallery creates, plus the cloud's cross-origin endpoints in `connect-src` and directives the
 * page never needs relaxed (plugins, `<base>`, form targets, being framed).
 *
 * - `script-src 'self'`: the build emits every script as a file (no inline script, no eval: zod
 *   runs jitless).
 * - `style-src 'unsafe-inline'`: per-item style attributes (placeholder colour, zoom transform).
 * - `img-src data:`: ThumbHash placeholders are data URLs.
 * - `media-src blob:`: hls.js plays through a MediaSource object URL (its worker stays off, so no
 *   `worker-src blob:`).
 * - `connect-src`: the API and `/media` are same-origin; the Cognito token endpoint and the S3
 *   endpoint of presigned uploads are not.
 *
 * @example
 * galleryContentSecurityPolicy({ authOrigin: 'https://mf.auth.eu-west-1.amazoncognito.com' });
 */
export function galleryContentSecurityPolicy(options: GalleryCspOptions = {}): string {
  const connect = ["'self'", ...(options.authOrigin === undefined ? [] : [asOrigin(options.authOrigin)]), ...(options.uploadOrigins ?? [])];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "media-src 'self' blob:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The gallery config names the hosted UI domain with or without its scheme; a CSP source needs one. */
function asOrigin(value: string): string {
  return Token.isUnresolved(value) || /^https?:\/\//.test(value) ? value : `https://${value}`;
}

/** The response headers policy of each of the distribution's behaviours. */
export interface ResponseHeaderPolicies {
  readonly gallery: ResponseHeadersPolicy;
  readonly media: ResponseHeadersPolicy;
  readonly api: ResponseHeadersPolicy;
}

/**
 * The security headers of the gallery (`/`), the renditions (`/media/*`) and the API (`/api/*`),
 * created in `scope` (the distribution's construct). Every policy overrides what the origin sends:
 * the headers are the distribution's decision, not S3's or the function's.
 */
export function responseHeaderPolicies(scope: Construct, csp: GalleryCspOptions): ResponseHeaderPolicies {
  const gallery = new ResponseHeadersPolicy(scope, 'GalleryHeaders', {
    comment: 'Mediaflow gallery: HSTS, CSP, no framing, no sniffing',
    securityHeadersBehavior: {
      strictTransportSecurity: HSTS,
      contentSecurityPolicy: { contentSecurityPolicy: galleryContentSecurityPolicy(csp), override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      // The hosted UI sees where sign-in started, never the path or query (which may name an item).
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
    },
    customHeadersBehavior: {
      customHeaders: [
        // Sign-in is a full-page redirect, not a popup, so no other window needs a handle on the gallery.
        { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()', override: true },
      ],
    },
  });

  const media = new ResponseHeadersPolicy(scope, 'MediaHeaders', {
    comment: 'Mediaflow renditions: inert, same-origin only, HSTS',
    securityHeadersBehavior: {
      strictTransportSecurity: HSTS,
      contentSecurityPolicy: { contentSecurityPolicy: MEDIA_CSP, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
    },
    // Only the gallery's own pages may embed renditions; hotlinking from other sites fails in the
    // browser. Cache-Control stays the object's own: a default added here would also make S3's
    // 403 for a key not written yet stick in browsers.
    customHeadersBehavior: { customHeaders: [{ header: 'Cross-Origin-Resource-Policy', value: 'same-origin', override: true }] },
  });

  const api = new ResponseHeadersPolicy(scope, 'ApiHeaders', {
    comment: 'Mediaflow API: HSTS, no framing, no sniffing',
    securityHeadersBehavior: {
      strictTransportSecurity: HSTS,
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
    },
  });

  return { gallery, media, api };
}
