/**
 * The hosted UI's pages: plain HTML with no script, no style and no external asset, so the page
 * works under the strictest Content-Security-Policy the issuer sends with it.
 */
import { AUTHORIZE_PARAMS } from './authorize.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The policy for the issuer's pages. `form-action` must also name the callback's origin: browsers
 * apply it to the redirect that answers the form's POST, not only to the POST itself.
 */
export function pageSecurityHeaders(redirectUri?: string): Record<string, string> {
  const formAction = redirectUri === undefined ? "'self'" : `'self' ${new URL(redirectUri).origin}`;
  return {
    'content-security-policy': `default-src 'none'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

function document(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>\n`;
}

/** The sign-in form; it posts back to the authorize endpoint with the request's parameters. */
export function signInPage(params: URLSearchParams, options: { error?: string; login?: string } = {}): string {
  const hidden = AUTHORIZE_PARAMS.map((name) => {
    const value = params.get(name);
    return value === null ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  }).join('');
  const error = options.error === undefined ? '' : `<p role="alert">${escapeHtml(options.error)}</p>`;
  const login = escapeHtml(options.login ?? '');
  return document(
    'Sign in',
    `<main><h1>Sign in</h1>${error}<form method="post" action="/oauth2/authorize">${hidden}` +
      `<p><label for="username">Username or email</label><br><input id="username" name="username" autocomplete="username" required value="${login}"></p>` +
      `<p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>` +
      `<p><button type="submit">Sign in</button></p></form></main>`,
  );
}

export function errorPage(message: string): string {
  return document('Sign-in error', `<main><h1>An error was encountered with the requested page.</h1><p>${escapeHtml(message)}</p></main>`);
}
