import { MalformedIntegrationResponseError } from './errors.js';
import { mapResultV2 } from './response.js';

describe('mapResultV2', () => {
  it('takes a result with statusCode as the response, cookies as set-cookie lines', () => {
    const reply = mapResultV2({
      statusCode: 201,
      headers: { 'Content-Type': 'text/plain', 'X-Count': 3, 'Content-Length': '999' },
      multiValueHeaders: { 'x-many': ['a', 'b'] },
      cookies: ['s=1; HttpOnly', 't=2'],
      body: 'created',
    });
    expect(reply.status).toBe(201);
    expect(reply.headers).toEqual([
      ['content-type', 'text/plain'],
      ['x-count', '3'],
      ['x-many', 'a'],
      ['x-many', 'b'],
      ['set-cookie', 's=1; HttpOnly'],
      ['set-cookie', 't=2'],
    ]);
    expect(reply.body.toString()).toBe('created');
  });

  it('decodes base64 bodies and allows an empty body', () => {
    expect(mapResultV2({ statusCode: 200, body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true }).body).toEqual(Buffer.from([1, 2, 3]));
    expect(mapResultV2({ statusCode: 204 }).body.length).toBe(0);
  });

  it('infers a 200 JSON response from any other result', () => {
    expect(mapResultV2({ message: 'hi' })).toEqual({ status: 200, headers: [['content-type', 'application/json']], body: Buffer.from('{"message":"hi"}') });
    expect(mapResultV2('Hello from Lambda!').body.toString()).toBe('Hello from Lambda!');
    expect(mapResultV2([1, 2]).body.toString()).toBe('[1,2]');
  });

  it('refuses results payload 2.0 cannot express', () => {
    expect(() => mapResultV2({ statusCode: '200' })).toThrow(MalformedIntegrationResponseError);
    expect(() => mapResultV2({ statusCode: 200, body: { a: 1 } })).toThrow(MalformedIntegrationResponseError);
    expect(() => mapResultV2({ statusCode: 200, headers: { a: ['x'] } })).toThrow(MalformedIntegrationResponseError);
    expect(() => mapResultV2({ statusCode: 200, cookies: 'a=1' })).toThrow(MalformedIntegrationResponseError);
  });
});
