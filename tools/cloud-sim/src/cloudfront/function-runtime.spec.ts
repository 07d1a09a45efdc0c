import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudFrontFunctionSpec } from '../specs.js';
import type { SimEvent } from '../types.js';
import { FunctionExecutionError } from './errors.js';
import { formatQueryString, FunctionRunner, parseQueryString, type FunctionEvent, type FunctionRequest } from './function-runtime.js';

/** The stage's CloudFront Function sources: the template's `FunctionCode` is these files as they are. */
const SOURCES = join(__dirname, '../../../../apps/infra/src/cloudfront');
const SOURCE_OF: Record<string, string> = { DeliveryGalleryRequest: 'gallery-request.js', DeliveryMediaRequest: 'media-request.js' };

/** The code of a CloudFront Function of the stage, as deployed. */
function stageFunction(logicalIdPrefix: string): CloudFrontFunctionSpec {
  const file = SOURCE_OF[logicalIdPrefix];
  if (file === undefined) throw new Error(`no function ${logicalIdPrefix} in the stage`);
  const code = readFileSync(join(SOURCES, file), 'utf8');
  return { logicalId: logicalIdPrefix, name: logicalIdPrefix, arn: `arn:aws:cloudfront::123456789012:function/${logicalIdPrefix}`, runtime: 'cloudfront-js-2.0', code };
}

function inline(code: string): CloudFrontFunctionSpec {
  return { logicalId: 'Test', name: 'test', arn: 'arn:aws:cloudfront::123456789012:function/test', runtime: 'cloudfront-js-2.0', code };
}

function event(uri: string, query = ''): FunctionEvent {
  return {
    version: '1.0',
    context: { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'E2SIM', eventType: 'viewer-request', requestId: 'req-1' },
    viewer: { ip: '127.0.0.1' },
    request: { method: 'GET', uri, querystring: parseQueryString(query), headers: { host: { value: 'd111111abcdef8.cloudfront.net' } }, cookies: {} },
  };
}

const events: SimEvent[] = [];
const log = (entry: SimEvent) => events.push(entry);
const requestOf = (runner: FunctionRunner, uri: string, query?: string): FunctionRequest => {
  const outcome = runner.run(event(uri, query));
  if (outcome.kind !== 'request') throw new Error(`expected a request, got status ${outcome.response.statusCode}`);
  return outcome.request;
};

describe('the gallery viewer-request function of the stage', () => {
  const gallery = new FunctionRunner(stageFunction('DeliveryGalleryRequest'), { log });

  it.each(['/', '/albums/42', '/cost'])('serves index.html for the app route %s', (uri) => {
    expect(requestOf(gallery, uri).uri).toBe('/index.html');
  });

  it.each(['/assets/app.js', '/config.json'])('passes the file %s unchanged', (uri) => {
    expect(requestOf(gallery, uri).uri).toBe(uri);
  });
});

describe('the media viewer-request function of the stage', () => {
  const media = new FunctionRunner(stageFunction('DeliveryMediaRequest'), { log });

  it('maps a rendition onto its bucket key and drops the query string', () => {
    const request = requestOf(media, '/media/renditions/u1/m1/hls/720p.m3u8', 'response-content-type=text%2Fhtml');
    expect(request.uri).toBe('/renditions/u1/m1/hls/720p.m3u8');
    expect(request.querystring).toEqual({});
  });

  it.each(['/media/originals/u1/m1/a.jpg', '/media/renditions/u1/../originals/x.jpg', '/media/renditions/u1/m1/%2e%2e.jpg', '/media/renditions/u1/a.jpg'])(
    'answers 404 for %s',
    (uri) => {
      const outcome = media.run(event(uri));
      expect(outcome).toEqual({
        kind: 'response',
        response: { statusCode: 404, statusDescription: 'Not Found', headers: { 'cache-control': { value: 'no-store' } }, cookies: {} },
      });
    },
  );
});

describe('FunctionRunner', () => {
  it('hands the function the cloudfront-js-2.0 event', () => {
    const runner = new FunctionRunner(inline('function handler(event) { return { statusCode: 200, body: JSON.stringify(event) }; }'), { log });
    const outcome = runner.run(event('/a', 'x=1&x=2&y'));
    if (outcome.kind !== 'response' || typeof outcome.response.body !== 'string') throw new Error('expected a response with a body');
    expect(JSON.parse(outcome.response.body)).toEqual({
      version: '1.0',
      context: { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'E2SIM', eventType: 'viewer-request', requestId: 'req-1' },
      viewer: { ip: '127.0.0.1' },
      request: {
        method: 'GET',
        uri: '/a',
        querystring: { x: { value: '1', multiValue: [{ value: '1' }, { value: '2' }] }, y: { value: '' } },
        headers: { host: { value: 'd111111abcdef8.cloudfront.net' } },
        cookies: {},
      },
    });
  });

  it('offers no require, process, timers or eval', () => {
    const code = `function handler() {
      var seen = [typeof require, typeof process, typeof setTimeout, typeof module];
      try { eval('1'); seen.push('eval'); } catch (e) { seen.push('no-eval'); }
      return { statusCode: 200, body: seen.join(',') };
    }`;
    const outcome = new FunctionRunner(inline(code), { log }).run(event('/'));
    expect(outcome.kind === 'response' && outcome.response.body).toBe('undefined,undefined,undefined,undefined,no-eval');
  });

  it('awaits an async handler and accepts a query string returned as text', () => {
    const code = "async function handler(event) { var r = event.request; r.querystring = 'b=2&a=1'; r.headers['X-Added'] = { value: 'yes' }; return r; }";
    const request = requestOf(new FunctionRunner(inline(code), { log }), '/x');
    expect(formatQueryString(request.querystring)).toBe('b=2&a=1');
    expect(request.headers['x-added']).toEqual({ value: 'yes' });
  });

  it('routes console.log to the stage log', () => {
    events.length = 0;
    new FunctionRunner(inline("function handler(event) { console.log('uri', event.request.uri); return event.request; }"), { log }).run(event('/logged'));
    expect(events).toEqual([{ kind: 'info', source: 'cloudfront-function:test', message: 'uri /logged' }]);
  });

  it.each([
    ['throws', "function handler() { throw new Error('boom'); }", /boom/],
    ['rejects', "async function handler() { throw new Error('async boom'); }", /async boom/],
    ['does not compile', 'function handler( {', /does not compile/],
    ['has no handler', 'var x = 1;', /no handler/],
    ['returns nothing', 'function handler() {}', /returned nothing/],
    ['returns a header without a value', "function handler(e) { e.request.headers.x = 'bare'; return e.request; }", /headers\.x/],
    ['never settles', 'function handler() { return new Promise(function () {}); }', /never settled/],
  ])('raises FunctionExecutionError when the function %s', (_what, code, message) => {
    const run = () => new FunctionRunner(inline(code), { log }).run(event('/'));
    expect(run).toThrow(FunctionExecutionError);
    expect(run).toThrow(message);
  });

  it('stops a function that runs past its time budget', () => {
    const runner = new FunctionRunner(inline('function handler() { for (;;) {} }'), { log, timeoutMs: 50 });
    expect(() => runner.run(event('/'))).toThrow(/timed out/);
  });

  it('starts every invocation from fresh globals', () => {
    const runner = new FunctionRunner(inline('var count = 0; function handler() { count += 1; return { statusCode: 200, body: String(count) }; }'), { log });
    runner.run(event('/'));
    const second = runner.run(event('/'));
    expect(second.kind === 'response' && second.response.body).toBe('1');
  });
});
