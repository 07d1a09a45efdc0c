export { startGateway, type Gateway, type GatewayOptions, type AuthorizationDecision } from './gateway.js';
export { CredentialRegistry, type CredentialRecord, type CredentialRegistryOptions, type IssuedCredentials, type SessionPrincipal } from './credentials.js';
export { GatewayCallLog, type CallCount } from './call-log.js';
export { gatewayError, type GatewayErrorCode } from './error-shapes.js';
export {
  verifySignature,
  isSigned,
  credentialScopeService,
  canonicalPath,
  decodeAwsChunked,
  type SignatureCheck,
  type SignatureFailureCode,
  type SignedHttpRequest,
  type SigningSecret,
  type DecodedPayload,
} from './sigv4.js';
