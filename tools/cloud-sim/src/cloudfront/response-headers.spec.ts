import { applyResponseHeadersPolicy } from './response-headers.js';

const GET = { method: 'GET', headers: {} };

describe('applyResponseHeadersPolicy', () => {
  const security = {
    SecurityHeadersConfig: {
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: true, Override: true },
      ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'self'", Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: false },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      XSSProtection: { Protection: true, ModeBlock: true, Override: true },
    },
  };

  it('adds the security headers', () => {
    expect(applyResponseHeadersPolicy(security, {}, GET)).toEqual({
      'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
      'content-security-policy': "default-src 'self'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'x-xss-protection': '1; mode=block',
    });
  });

  it("replaces the origin's header only when the policy overrides", () => {
    const result = applyResponseHeadersPolicy(security, { 'content-security-policy': 'origin', 'x-frame-options': 'SAMEORIGIN' }, GET);
    expect(result['content-security-policy']).toBe("default-src 'self'");
    expect(result['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('adds custom headers and removes listed ones, from the resource properties too', () => {
    const policy = {
      ResponseHeadersPolicyConfig: {
        CustomHeadersConfig: { Items: [{ Header: 'Cross-Origin-Resource-Policy', Value: 'same-origin', Override: false }] },
        RemoveHeadersConfig: { Items: [{ Header: 'X-Powered-By' }] },
      },
    };
    expect(applyResponseHeadersPolicy(policy, { 'x-powered-by': 'origin', 'cross-origin-resource-policy': 'cross-origin' }, GET)).toEqual({
      'cross-origin-resource-policy': 'cross-origin',
    });
  });

  it('answers CORS for an allowed origin, with the preflight extras on OPTIONS', () => {
    const policy = {
      CorsConfig: {
        AccessControlAllowOrigins: { Items: ['https://app.example'] },
        AccessControlAllowMethods: { Items: ['GET', 'PUT'] },
        AccessControlAllowHeaders: { Items: ['authorization'] },
        AccessControlExposeHeaders: { Items: ['etag'] },
        AccessControlAllowCredentials: false,
        AccessControlMaxAgeSec: 600,
        OriginOverride: true,
      },
    };
    expect(applyResponseHeadersPolicy(policy, {}, { method: 'GET', headers: { origin: 'https://other.example' } })).toEqual({});
    expect(applyResponseHeadersPolicy(policy, {}, { method: 'GET', headers: { origin: 'https://app.example' } })).toEqual({
      'access-control-allow-origin': 'https://app.example',
      'access-control-expose-headers': 'etag',
    });
    const preflight = { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT' } };
    expect(applyResponseHeadersPolicy(policy, {}, preflight)).toEqual({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-methods': 'GET, PUT',
      'access-control-allow-headers': 'authorization',
      'access-control-max-age': '600',
    });
  });
});
