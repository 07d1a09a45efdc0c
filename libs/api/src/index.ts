export { createApi } from './app.js';
export type { ApiOptions } from './app.js';
export { LocalTokens } from './local-tokens.js';
export type { Authenticator, LocalTokenOptions } from './local-tokens.js';
export { buildOpenApiDocument, MediaViewSchema } from './openapi.js';
export { problem, toProblem, STATUS_BY_CODE } from './problems.js';
export type { Problem } from './problems.js';
export { matchesEtag, negotiateCoding, ResponseCache, type CachedResponse, type ContentCoding } from './response-cache.js';
