/**
 * Why a request ends at the gateway instead of the function. The server maps each to the status and
 * body API Gateway answers (`gatewayReply`), in one place.
 */
export class GatewayError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GatewayError';
  }
}

/** The JWT authorizer refused the token: 401. */
export class UnauthorizedError extends GatewayError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnauthorizedError';
  }
}

/** The token is valid but has none of the route's authorization scopes: 403. */
export class InsufficientScopeError extends GatewayError {
  constructor(
    readonly expected: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`expected scopes: [${expected.join(' ')}]`, options);
    this.name = 'InsufficientScopeError';
  }
}

/** The function answered something payload 2.0 cannot turn into an HTTP response: 500. */
export class MalformedIntegrationResponseError extends GatewayError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedIntegrationResponseError';
  }
}

/** The spec names something this emulation does not do (a Lambda authorizer, payload 1.0, ...). */
export class UnsupportedApiError extends GatewayError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnsupportedApiError';
  }
}
