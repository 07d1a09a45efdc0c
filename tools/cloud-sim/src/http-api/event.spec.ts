import { buildEventV2, claimString, isTextContentType, requestTime, type EventContext, type IncomingRequest } from './event.js';

const time = new Date('2025-03-12T19:03:58.123Z');

function request(overrides: Partial<IncomingRequest> = {}): IncomingRequest {
  return {
    method: 'POST',
    rawPath: '/api/v1/media/a%20b',
    rawQueryString: 'tag=x&tag=y&q=caf%C3%A9',
    headers: {
      host: ['api.example.com:8443'],
      'user-agent': ['test-agent'],
      'x-multi': ['one', 'two'],
      cookie: ['a=1; b=2'],
      'content-type': ['application/json'],
    },
    body: Buffer.from('{"ok":true}'),
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
    ...overrides,
  };
}

const context: EventContext = { accountId: '123456789012', apiId: 'abc123', requestId: 'req-1', routeKey: 'POST /api/{proxy+}', pathParameters: { proxy: 'v1/media/a b' }, time };

describe('buildEventV2', () => {
  it('builds the payload 2.0 event API Gateway sends', () => {
    expect(buildEventV2(request(), context)).toEqual({
      version: '2.0',
      routeKey: 'POST /api/{proxy+}',
      rawPath: '/api/v1/media/a%20b',
      rawQueryString: 'tag=x&tag=y&q=caf%C3%A9',
      cookies: ['a=1', 'b=2'],
      headers: { host: 'api.example.com:8443', 'user-agent': 'test-agent', 'x-multi': 'one,two', 'content-type': 'application/json' },
      queryStringParameters: { tag: 'x,y', q: 'café' },
      pathParameters: { proxy: 'v1/media/a b' },
      requestContext: {
        accountId: '123456789012',
        apiId: 'abc123',
        domainName: 'api.example.com',
        domainPrefix: 'api',
        http: { method: 'POST', path: '/api/v1/media/a%20b', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test-agent' },
        requestId: 'req-1',
        routeKey: 'POST /api/{proxy+}',
        stage: '$default',
        time: '12/Mar/2025:19:03:58 +0000',
        timeEpoch: time.getTime(),
      },
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
  });

  it('leaves out what the request does not have', () => {
    const event = buildEventV2(request({ rawQueryString: '', headers: { host: ['h'] }, body: Buffer.alloc(0) }), { ...context, pathParameters: {} });
    expect(Object.keys(event).sort()).toEqual(['headers', 'isBase64Encoded', 'rawPath', 'rawQueryString', 'requestContext', 'routeKey', 'version']);
  });

  it('base64-encodes bodies that are not text, form posts included', () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00]);
    expect(buildEventV2(request({ headers: { 'content-type': ['image/jpeg'] }, body: bytes }), context)).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
    const form = Buffer.from('a=1&b=2');
    expect(buildEventV2(request({ headers: { 'content-type': ['application/x-www-form-urlencoded'] }, body: form }), context)).toMatchObject({ body: 'YT0xJmI9Mg==', isBase64Encoded: true });
  });

  it('hands JWT claims on as strings, with the token\'s scopes', () => {
    const jwt = { claims: { sub: 'u1', exp: 1700000000, email_verified: true, 'cognito:groups': ['admins', 'users'], nested: { b: 2, a: 'x' } }, scopes: ['openid', 'email'] };
    expect(buildEventV2(request(), { ...context, jwt }).requestContext.authorizer).toEqual({
      jwt: { claims: { sub: 'u1', exp: '1700000000', email_verified: 'true', 'cognito:groups': '[admins users]', nested: 'map[a:x b:2]' }, scopes: ['openid', 'email'] },
    });
  });
});

describe('event helpers', () => {
  it('formats claims and times like API Gateway', () => {
    expect(claimString(['a', 1, true])).toBe('[a 1 true]');
    expect(claimString(null)).toBe('');
    expect(requestTime(new Date('2020-01-05T03:04:05Z'))).toBe('05/Jan/2020:03:04:05 +0000');
  });

  it('knows which content types travel as text', () => {
    expect(isTextContentType('text/plain; charset=utf-8')).toBe(true);
    expect(isTextContentType('application/problem+json')).toBe(true);
    expect(isTextContentType('application/octet-stream')).toBe(false);
    expect(isTextContentType(undefined)).toBe(false);
  });
});
