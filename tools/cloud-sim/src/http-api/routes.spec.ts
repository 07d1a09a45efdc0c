import { UnsupportedApiError } from './errors.js';
import { RouteTable } from './routes.js';

function table(keys: string[]): RouteTable<string> {
  return new RouteTable(keys.map((routeKey) => ({ routeKey, route: routeKey })));
}

describe('RouteTable', () => {
  const routes = table([
    'GET /api/{proxy+}',
    'POST /api/{proxy+}',
    'GET /api/health',
    'GET /api/v1/media/{id}',
    'GET /api/v1/{proxy+}',
    'ANY /api/v1/media/{id}',
    'DELETE /api/v1/media/{id}/tags/{tag}',
  ]);

  it('prefers literals to variables to greedy variables, segment by segment', () => {
    expect(routes.select('GET', '/api/health')).toEqual({ route: 'GET /api/health', routeKey: 'GET /api/health', pathParameters: {} });
    expect(routes.select('GET', '/api/v1/media/abc')).toEqual({ route: 'GET /api/v1/media/{id}', routeKey: 'GET /api/v1/media/{id}', pathParameters: { id: 'abc' } });
    expect(routes.select('GET', '/api/v1/media/abc/original')?.routeKey).toBe('GET /api/v1/{proxy+}');
    expect(routes.select('GET', '/api/v2/x')).toMatchObject({ routeKey: 'GET /api/{proxy+}', pathParameters: { proxy: 'v2/x' } });
  });

  it('prefers a route for the method to ANY, and falls back to ANY for other methods', () => {
    expect(routes.select('PUT', '/api/v1/media/abc')?.routeKey).toBe('ANY /api/v1/media/{id}');
    expect(routes.select('DELETE', '/api/v1/media/a%20b/tags/x')?.pathParameters).toEqual({ id: 'a b', tag: 'x' });
  });

  it('needs at least one segment for a greedy variable and matches nothing for unrouted methods', () => {
    expect(routes.select('GET', '/api')).toBeUndefined();
    expect(routes.select('GET', '/api/')).toBeUndefined();
    expect(routes.select('PATCH', '/api/v2/x')).toBeUndefined();
    expect(routes.select('GET', '/API/health')?.routeKey).toBeUndefined();
  });

  it('sends what nothing matches to $default when there is one', () => {
    const withDefault = table(['GET /a', '$default']);
    expect(withDefault.select('GET', '/a')?.routeKey).toBe('GET /a');
    expect(withDefault.select('POST', '/anything/else')).toEqual({ route: '$default', routeKey: '$default', pathParameters: {} });
  });

  it('refuses route keys API Gateway would refuse', () => {
    expect(() => table(['GET /a/{proxy+}/b'])).toThrow(UnsupportedApiError);
    expect(() => table(['GET /a/x{id}'])).toThrow(UnsupportedApiError);
    expect(() => table(['get /a'])).toThrow(UnsupportedApiError);
  });
});
