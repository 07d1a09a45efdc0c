import { actualCorsHeaders, matchCorsRule, preflightHeaders, type CorsRule } from './cors.js';

const gallery: CorsRule = { allowedOrigins: ['https://*.gallery.test'], allowedMethods: ['PUT', 'GET'], allowedHeaders: ['content-type', 'x-amz-*'], exposedHeaders: ['ETag'], maxAgeSeconds: 300 };
const anyone: CorsRule = { allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposedHeaders: [] };

describe('CORS', () => {
  it('matches origins with one wildcard, methods and every requested header', () => {
    expect(matchCorsRule([gallery], 'https://app.gallery.test', 'PUT', ['content-type', 'x-amz-checksum-sha256'])).toBe(gallery);
    expect(matchCorsRule([gallery], 'https://gallery.test', 'PUT')).toBeUndefined();
    expect(matchCorsRule([gallery], 'https://app.gallery.test', 'DELETE')).toBeUndefined();
    expect(matchCorsRule([gallery], 'https://app.gallery.test', 'PUT', ['authorization'])).toBeUndefined();
  });

  it('answers an allowed preflight with the rule and the headers asked for', () => {
    const headers = preflightHeaders([gallery], { origin: 'https://app.gallery.test', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'Content-Type' });
    expect(headers).toMatchObject({
      'access-control-allow-origin': 'https://app.gallery.test',
      'access-control-allow-methods': 'PUT, GET',
      'access-control-allow-headers': 'content-type',
      'access-control-expose-headers': 'ETag',
      'access-control-max-age': '300',
      'access-control-allow-credentials': 'true',
    });
  });

  it('refuses preflights as S3 does', () => {
    expect(() => preflightHeaders([gallery], { origin: 'https://evil.test', 'access-control-request-method': 'PUT' })).toThrow(expect.objectContaining({ code: 'AccessForbidden', status: 403 }));
    expect(() => preflightHeaders([], { origin: 'https://app.gallery.test', 'access-control-request-method': 'PUT' })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => preflightHeaders([gallery], { 'access-control-request-method': 'PUT' })).toThrow(expect.objectContaining({ code: 'BadRequest', status: 400 }));
  });

  it('adds headers to actual requests a rule allows, `*` without credentials', () => {
    expect(actualCorsHeaders([gallery, anyone], 'GET', { origin: 'https://other.test' })).toMatchObject({ 'access-control-allow-origin': '*' });
    expect(actualCorsHeaders([gallery, anyone], 'GET', { origin: 'https://other.test' })['access-control-allow-credentials']).toBeUndefined();
    expect(actualCorsHeaders([gallery], 'PUT', {})).toEqual({});
    expect(actualCorsHeaders([gallery], 'DELETE', { origin: 'https://app.gallery.test' })).toEqual({});
  });
});
