import { randomUUID } from 'node:crypto';
import type { AwsResponse } from '../types.js';
import type { SignatureFailureCode } from './sigv4.js';

/**
 * How each service's protocol spells the errors the gateway itself raises (bad signatures, unknown
 * services, a handler that threw). Refusals by IAM are spelled by the service handler (`denied`).
 */

export type GatewayErrorCode = SignatureFailureCode | 'InternalError' | 'UnknownService';

type Protocol = 'rest-xml' | 'json-1.0' | 'json-1.1' | 'query' | 'rest-json';

const PROTOCOLS: Record<string, Protocol> = {
  s3: 'rest-xml',
  dynamodb: 'json-1.0',
  sqs: 'json-1.0',
  rekognition: 'json-1.1',
  'cognito-idp': 'json-1.1',
  events: 'json-1.1',
  sns: 'query',
  sts: 'query',
  mediaconvert: 'rest-json',
  lambda: 'rest-json',
};

/** `[error name, HTTP status]` in the JSON and REST-JSON protocols. */
const JSON_NAMES: Record<GatewayErrorCode, [string, number]> = {
  SignatureDoesNotMatch: ['InvalidSignatureException', 403],
  InvalidAccessKeyId: ['UnrecognizedClientException', 403],
  ExpiredToken: ['ExpiredTokenException', 403],
  AccessDenied: ['AccessDeniedException', 403],
  RequestTimeTooSkewed: ['InvalidSignatureException', 403],
  AuthorizationQueryParametersError: ['IncompleteSignatureException', 403],
  AuthorizationHeaderMalformed: ['IncompleteSignatureException', 403],
  InternalError: ['InternalFailure', 500],
  UnknownService: ['UnknownOperationException', 400],
};

/** `[code, HTTP status]` in the query protocol (SNS). */
const QUERY_NAMES: Record<GatewayErrorCode, [string, number]> = {
  SignatureDoesNotMatch: ['SignatureDoesNotMatch', 403],
  InvalidAccessKeyId: ['InvalidClientTokenId', 403],
  ExpiredToken: ['ExpiredToken', 403],
  AccessDenied: ['AccessDenied', 403],
  RequestTimeTooSkewed: ['RequestExpired', 400],
  AuthorizationQueryParametersError: ['IncompleteSignature', 400],
  AuthorizationHeaderMalformed: ['IncompleteSignature', 400],
  InternalError: ['InternalFailure', 500],
  UnknownService: ['InvalidAction', 400],
};

const S3_STATUS: Record<GatewayErrorCode, number> = {
  SignatureDoesNotMatch: 403,
  InvalidAccessKeyId: 403,
  ExpiredToken: 400,
  AccessDenied: 403,
  RequestTimeTooSkewed: 403,
  AuthorizationQueryParametersError: 400,
  AuthorizationHeaderMalformed: 400,
  InternalError: 500,
  UnknownService: 400,
};

const xmlEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/**
 * The response a service of the given signing name would give for a gateway-level error. An unknown
 * or unreadable service answers in S3's XML, the shape a browser or a bare HTTP client is most likely
 * to expect at the gateway's address.
 */
export function gatewayError(service: string | undefined, code: GatewayErrorCode, message: string): AwsResponse {
  const requestId = randomUUID();
  const protocol = (service !== undefined ? PROTOCOLS[service] : undefined) ?? 'rest-xml';
  switch (protocol) {
    case 'json-1.0':
    case 'json-1.1': {
      const [name, status] = JSON_NAMES[code];
      // DynamoDB answers every client error with 400; the other JSON services use 403 for auth errors.
      const finalStatus = service === 'dynamodb' && status < 500 ? 400 : status;
      return {
        status: finalStatus,
        headers: { 'content-type': `application/x-amz-${protocol}`, 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: `com.amazon.coral.service#${name}`, message }),
      };
    }
    case 'rest-json': {
      const [name, status] = JSON_NAMES[code];
      return {
        status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': name, 'x-amzn-requestid': requestId },
        body: JSON.stringify({ message }),
      };
    }
    case 'query': {
      const [name, status] = QUERY_NAMES[code];
      const type = status >= 500 ? 'Receiver' : 'Sender';
      return {
        status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body:
          `<ErrorResponse><Error><Type>${type}</Type><Code>${name}</Code><Message>${xmlEscape(message)}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
    case 'rest-xml':
      return {
        status: S3_STATUS[code],
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
          `<RequestId>${requestId}</RequestId></Error>`,
      };
  }
}
