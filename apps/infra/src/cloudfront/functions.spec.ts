import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { CLOUDFRONT_FUNCTIONS, cloudFrontFunctionCode, cloudFrontFunctionPath, type CloudFrontFunctionName } from './functions.js';

type Handler = (event: unknown) => { uri?: string; statusCode?: number; querystring?: unknown };

/** Loads a CloudFront Function's file as CloudFront runs it: plain JavaScript defining `handler`. */
function load(name: CloudFrontFunctionName): Handler {
  return runInNewContext(`${readFileSync(cloudFrontFunctionPath(name), 'utf8')}\nhandler`, {}) as Handler;
}

function viewerRequest(uri: string, querystring: Record<string, unknown> = {}): unknown {
  return { version: '1.0', context: { eventType: 'viewer-request' }, viewer: { ip: '192.0.2.1' }, request: { method: 'GET', uri, querystring, headers: {}, cookies: {} } };
}

describe('the media request function', () => {
  const handler = load('media-request');

  it('strips /media and keeps the key of a rendition', () => {
    expect(handler(viewerRequest('/media/renditions/a/b/c.webp')).uri).toBe('/renditions/a/b/c.webp');
    expect(handler(viewerRequest('/media/renditions/alice/01J9ZK3M4N5P6Q7R8S9T0V1W2X/hls/720p.m3u8')).uri).toBe(
      '/renditions/alice/01J9ZK3M4N5P6Q7R8S9T0V1W2X/hls/720p.m3u8',
    );
  });

  it('drops the query string, so no S3 response override reaches the bucket', () => {
    const request = handler(viewerRequest('/media/renditions/a/b/c.webp', { 'response-content-type': { value: 'text/html' } }));
    expect(request.querystring).toEqual({});
  });

  it.each([
    '/media/originals/a/b',
    '/media/originals/a/b/c.jpg',
    '/media/renditions',
    '/media/renditions/',
    '/media/renditions/a/b',
    '/media/../originals/x',
    '/media/renditions/../originals/a/b',
    '/media/renditions/a/../../originals/a/b',
    '/media/renditions/./a/b/c.webp',
    '/media/renditions//a/b/c.webp',
    '/media/renditions/%2e%2e/originals/a/b',
    '/media/renditions/a/%2E%2E/%2E%2E/originals/a',
    '/media/renditions%2F..%2Foriginals/a/b/c',
    '/media/renditions/a/b/..%2F..%2F..%2Foriginals%2Fa%2Fb',
    '/media/renditions/a/b/%252e%252e',
    '/media/renditions/a/b/c\\..\\..\\originals',
    '/media/%72enditions/a/b/c.webp',
    '/media/Renditions/a/b/c.webp',
    '/media/',
    '/renditions/a/b/c.webp',
  ])('answers 404 to %s', (uri) => {
    expect(handler(viewerRequest(uri))).toEqual({ statusCode: 404, statusDescription: 'Not Found', headers: { 'cache-control': { value: 'no-store' } } });
  });
});

describe('the gallery request function', () => {
  const handler = load('gallery-request');

  it.each([
    ['/albums/1', '/index.html'],
    ['/cost', '/index.html'],
    ['/', '/index.html'],
    ['/assets/x.js', '/assets/x.js'],
    ['/assets/index-BMfVazBr.css', '/assets/index-BMfVazBr.css'],
    ['/config.json', '/config.json'],
    ['/favicon.svg', '/favicon.svg'],
  ])('maps %s to %s', (uri, expected) => {
    expect(handler(viewerRequest(uri)).uri).toBe(expected);
  });
});

describe('the CloudFront Functions\u2019 files', () => {
  it('are found through the package, from the module itself and from synth.mjs, whose bundle runs elsewhere', () => {
    for (const name of CLOUDFRONT_FUNCTIONS) {
      const path = cloudFrontFunctionPath(name);
      expect(path).toBe(join(__dirname, `${name}.js`));
      expect(cloudFrontFunctionPath(name, [join(__dirname, '..', '..', 'synth.mjs')])).toBe(path);
    }
    expect(() => cloudFrontFunctionPath('media-request', ['/nowhere/synth.mjs'])).toThrow(/media-request .* was not found/);
  });

  it('are deployed byte for byte', () => {
    for (const name of CLOUDFRONT_FUNCTIONS) {
      expect(cloudFrontFunctionCode(name).render()).toBe(readFileSync(cloudFrontFunctionPath(name), 'utf8'));
    }
  });
});
