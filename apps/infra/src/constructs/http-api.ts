import { AspectPriority, Aspects, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpRouteKey, HttpStage, LogGroupLogDestination, PayloadFormatVersion, type CfnStage, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { stackLimits } from '@mediaflow/cost-model';
import { Construct } from 'constructs';
import { DEFAULT_SCALE } from '../config.js';
import { LogRetention } from '../log-retention.js';
import type { TokenIssuer } from './auth.js';

export interface MediaHttpApiProps {
  /** The API function (`apps/lambdas`, `functions/api.ts`): the Hono app, reading payload format 2.0 events. */
  readonly handler: IFunction;
  /** Whose access tokens every route but the public ones requires (`MediaAuth`). */
  readonly tokens: TokenIssuer;
  /**
   * Origins whose pages may call the API across origins (CORS). Leave empty when the gallery and
   * `/api/*` are served by the same CloudFront distribution: same-origin calls need no CORS. Tokens
   * are fine, but not the domain of a distribution that fronts this API: the API would then depend
   * on the distribution that depends on it.
   */
  readonly allowedOrigins: readonly string[];
  /** Steady requests per second and burst of the whole stage; see {@link DEFAULT_THROTTLE}. */
  readonly throttle?: ApiThrottle;
  /** Keep the access logs when the stack goes away. */
  readonly retain: boolean;
  /** How long access logs are kept; they hold client IPs, so not longer than needed. Default: a month. */
  readonly logRetention?: RetentionDays;
}

export interface ApiThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The stage's steady rate and burst when none is given: the capacity plan's for the default scale
 * (month 0: the modelled peak of all users' requests with a quarter on top, a burst of two seconds'
 * worth). It is one limit for every caller together; what one caller may make is the api function's
 * own limit (`OWNER_RATE_LIMIT_*`), counted in the media table. The stack passes the plan's for its
 * `-c scale`. Besides capping what a leaked token or a runaway script can spend on Lambda and
 * DynamoDB, it keeps the API function from taking the account's concurrency from the pipeline's workers.
 */
export const DEFAULT_THROTTLE: ApiThrottle = stackLimits(DEFAULT_SCALE).api;

/**
 * Routes the app answers without a token (`libs/api/src/app.ts`). API Gateway matches them before
 * the greedy `/api/{proxy+}`, so they are the only way in without the authorizer.
 */
export const PUBLIC_ROUTES: readonly string[] = ['/api/health', '/api/openapi.json'];

/** Anyone on the internet may call the public routes: each gets a small share of the stage's limit. */
export const PUBLIC_ROUTE_THROTTLE: ApiThrottle = { rateLimit: 5, burstLimit: 10 };

/**
 * The visitor routes of share links (`/api/v1/shared/{token}/...`), which a person opens without
 * an account: the link token in the path is the credential, checked by the app (one key read of its
 * hash), so these routes have no authorizer. GET opens a link, an item or a download; POST unlocks
 * a password or reports an item.
 */
export const SHARED_LINK_ROUTE = '/api/v1/shared/{proxy+}';
export const SHARED_LINK_METHODS: readonly HttpMethod[] = [HttpMethod.GET, HttpMethod.POST];

/**
 * Visitors of every link together: a larger share of the stage than the two documents, since an
 * album's visitors page through it, but well under the stage limit so that links cannot starve the
 * owners' API. One address is held to the web ACL's per-address limit before it gets here.
 */
export const SHARED_LINK_THROTTLE: ApiThrottle = { rateLimit: 50, burstLimit: 100 };

/**
 * Every method but OPTIONS. An `ANY` route would also catch the browser's CORS preflight, which
 * carries no token, and the authorizer would answer it 401; left unrouted, API Gateway answers the
 * preflight itself from the CORS configuration.
 */
export const AUTHENTICATED_METHODS: readonly HttpMethod[] = [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE];

/** One JSON object per request, so Logs Insights can filter on any field. */
const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
  owner: '$context.authorizer.claims.sub',
};

/**
 * The HTTP API in front of the API function.
 *
 * Every `/api/*` route but the public ones ({@link PUBLIC_ROUTES}) goes through a JWT authorizer
 * that checks the token's issuer (the user pool) and audience (the gallery's app client, which
 * access tokens carry as `client_id`); the function reads the owner from the verified `sub`.
 *
 * The execute-api endpoint stays enabled: it is CloudFront's origin for `/api/*` (see
 * {@link apiDomainName}), so disabling it would cut the site off from its API, and an HTTP API
 * cannot be made private to a distribution (no resource policy, no WAF). It is also reachable
 * directly, but nothing comes of it: the api function refuses (403), before any work, a request
 * without the header CloudFront adds to what it forwards (`OriginSecret`), so a direct caller
 * costs at most an authorizer check, or an invocation with a valid token, under the stage
 * throttle; docs/deploy.md has the details.
 *
 * @example
 * const api = new MediaHttpApi(this, 'HttpApi', { handler, tokens: auth, allowedOrigins: [], retain });
 * // ...a distribution serving api.apiDomainName under /api/*...
 */
export class MediaHttpApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** The execute-api host (no scheme, no path), for a CloudFront origin serving `/api/*`. */
  readonly apiDomainName: string;

  constructor(scope: Construct, id: string, props: MediaHttpApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    Aspects.of(this).add(new LogRetention(props.logRetention), { priority: AspectPriority.MUTATING });

    const allowedOrigins = [...props.allowedOrigins];
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Mediaflow API: /api/v1 behind a Cognito JWT authorizer',
      createDefaultStage: false,
      ...(allowedOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: allowedOrigins,
              allowMethods: AUTHENTICATED_METHODS.map((method) => CorsHttpMethod[method as keyof typeof CorsHttpMethod]),
              allowHeaders: ['authorization', 'content-type'],
              // The app answers 429 with Retry-After; the gallery may wait that long before retrying.
              exposeHeaders: ['retry-after'],
              // Tokens travel in the Authorization header, never in cookies.
              allowCredentials: false,
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    const authorizer = new HttpJwtAuthorizer('CognitoAuthorizer', props.tokens.issuerUrl, {
      authorizerName: 'cognito',
      jwtAudience: [...props.tokens.audience],
      identitySource: ['$request.header.Authorization'],
    });
    // One permission for the whole API instead of one per route: every route reaches the same function.
    const integration = new HttpLambdaIntegration('ApiFunction', props.handler, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      scopePermissionToRoute: false,
    });
    this.httpApi.addRoutes({ path: '/api/{proxy+}', methods: [...AUTHENTICATED_METHODS], integration, authorizer });
    const publicRoutes = new Map<string, HttpRoute>();
    for (const path of PUBLIC_ROUTES) {
      const [route] = this.httpApi.addRoutes({ path, methods: [HttpMethod.GET], integration });
      if (route === undefined) throw new Error(`no route for ${path}`);
      publicRoutes.set(HttpRouteKey.with(path, HttpMethod.GET).key, route);
    }
    const throttled = new Map<string, ApiThrottle>([...publicRoutes.keys()].map((key) => [key, PUBLIC_ROUTE_THROTTLE]));
    for (const method of SHARED_LINK_METHODS) {
      const [route] = this.httpApi.addRoutes({ path: SHARED_LINK_ROUTE, methods: [method], integration });
      if (route === undefined) throw new Error(`no route for ${method} ${SHARED_LINK_ROUTE}`);
      const key = HttpRouteKey.with(SHARED_LINK_ROUTE, method).key;
      throttled.set(key, SHARED_LINK_THROTTLE);
      publicRoutes.set(key, route);
      Validations.of(route).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason:
          'The visitor routes of share links: the unguessable link token in the path (256 random bits, looked up by its hash) is the credential, checked by the function, and a password where the owner set one. They show only what the link shares, are throttled to their own share of the stage, and each address is rate limited by the web ACL.',
      });
    }
    for (const [key, route] of publicRoutes) {
      if (throttled.get(key) === SHARED_LINK_THROTTLE) continue;
      Validations.of(route).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason:
          'Deliberately public and read-only: the health check and the OpenAPI document, which the app serves without a token and which return no user data. They are throttled to a small per-route limit; every other /api route but the share links\u2019 visitor routes (acknowledged separately) requires a Cognito JWT.',
      });
    }

    // Its retention is the LogRetention aspect's (logRetention).
    this.accessLogs = new LogGroup(this, 'AccessLogs', { removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY });
    const throttle = props.throttle ?? DEFAULT_THROTTLE;
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: throttle.rateLimit, burstLimit: throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    // Typed `any` by CDK, so rendered as given: the names must be CloudFormation's.
    cfnStage.routeSettings = Object.fromEntries(
      [...throttled].map(([key, limit]) => [key, { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit }]),
    );
    // API Gateway rejects route settings for routes that do not exist yet.
    for (const route of publicRoutes.values()) this.stage.node.addDependency(route);

    this.apiDomainName = `${this.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }
}
