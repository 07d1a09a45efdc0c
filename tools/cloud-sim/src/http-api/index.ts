export { startHttpApi, MAX_PAYLOAD_BYTES, MAX_INTEGRATION_TIMEOUT_MS } from './server.js';
export { GatewayError, UnauthorizedError, InsufficientScopeError, MalformedIntegrationResponseError, UnsupportedApiError } from './errors.js';
export { verifyJwtToken, identityToken } from './authorizer.js';
export { buildEventV2, claimString, isTextContentType, type ProxyEventV2 } from './event.js';
export { mapResultV2, type HttpReply } from './response.js';
export { RouteTable } from './routes.js';
export { TokenBucket } from './throttle.js';
export type { HttpApi, HttpApiOptions, JwtAuthorizerConfig, JwtClaims } from './types.js';
