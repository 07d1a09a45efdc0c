import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Distribution, Function as EdgeFunction, FunctionCode, FunctionEventType, type CfnDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { CfnApi, CfnAuthorizer, CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { CfnUserPool, CfnUserPoolClient, CfnUserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { Code, Function as LambdaFunction, Runtime, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays, type CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { APP_CONTEXT } from '../config.js';
import { AUTHENTICATED_METHODS, DEFAULT_THROTTLE, MediaApi, PUBLIC_ROUTES, PUBLIC_ROUTE_THROTTLE, type MediaApiProps } from './api.js';

const LOCAL_GALLERY = 'http://localhost:4200/';
const BASIC_EXECUTION = 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Metadata?: { cdk_nag?: { rules_to_suppress?: { id: string; reason: string }[] } };
}

const outdirs: string[] = [];
function outdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mediaflow-api-'));
  outdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function apiFunction(stack: Stack): LambdaFunction {
  const handler = new LambdaFunction(stack, 'ApiFunction', {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
  // The stand-in's own role is the composer's business, not the construct's.
  Validations.of(handler).acknowledge({ id: BASIC_EXECUTION, reason: 'Stand-in for the API function in a construct test; its role only writes its own logs.' });
  return handler;
}

function build(props: Partial<MediaApiProps> = {}, id = 'Test', context: Record<string, unknown> = {}): { app: App; stack: Stack; api: MediaApi; template: () => Template } {
  const app = new App({ outdir: outdir(), context: { ...APP_CONTEXT, ...context } });
  const stack = new Stack(app, id);
  const api = new MediaApi(stack, 'Api', { handler: apiFunction(stack), allowedOrigins: [], retain: false, signInUrls: [LOCAL_GALLERY], ...props });
  return { app, stack, api, template: () => Template.fromStack(stack) };
}

function resources(template: Template): Record<string, Resource> {
  return template.toJSON()['Resources'] as Record<string, Resource>;
}

function logicalIds(stack: Stack, api: MediaApi) {
  return {
    pool: stack.getLogicalId(api.userPool.node.defaultChild as CfnUserPool),
    client: stack.getLogicalId(api.userPoolClient.node.defaultChild as CfnUserPoolClient),
    stage: stack.getLogicalId(api.stage.node.defaultChild as CfnStage),
    logs: stack.getLogicalId(api.accessLogs.node.defaultChild as CfnLogGroup),
    authorizer: stack.getLogicalId(api.httpApi.node.findChild('CognitoAuthorizer').node.defaultChild as CfnAuthorizer),
  };
}

/**
 * The SDK call a custom resource makes, as the object the provider receives: the JSON CDK renders
 * into `Fn::Join`, with each reference replaced by `${Ref:Id}` or `${Id.Attribute}`.
 */
function sdkCall(value: unknown): { action: string; parameters: Record<string, unknown> } {
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  const parts = join === undefined ? [value] : join[1];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      if (ref !== undefined) return `\${Ref:${ref}}`;
      const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      if (getAtt !== undefined) return `\${${getAtt.join('.')}}`;
      throw new Error(`unexpected intrinsic ${JSON.stringify(part)}`);
    })
    .join('');
  return JSON.parse(text) as { action: string; parameters: Record<string, unknown> };
}

/**
 * What the delivery layer is expected to build: a distribution whose `/api/*` goes to this API and
 * whose `/config.json` is answered at the edge with the app client's id, so the distribution depends
 * on both the API and the client.
 */
function withDistribution(stack: Stack, api: MediaApi): Distribution {
  const config = new EdgeFunction(stack, 'ConfigFunction', {
    code: FunctionCode.fromInline(
      `function handler() { return { statusCode: 200, body: JSON.stringify({ auth: { type: 'cognito', clientId: '${api.userPoolClient.userPoolClientId}' } }) }; }`,
    ),
  });
  return new Distribution(stack, 'Distribution', {
    defaultBehavior: { origin: new HttpOrigin('gallery.example.com') },
    additionalBehaviors: {
      '/api/*': { origin: new HttpOrigin(api.apiDomainName) },
      '/config.json': { origin: new HttpOrigin('gallery.example.com'), functionAssociations: [{ function: config, eventType: FunctionEventType.VIEWER_REQUEST }] },
    },
  });
}

describe('MediaApi', () => {
  const { stack, api, template: render } = build({ allowedOrigins: ['http://localhost:4200'] });
  api.allowSignInFrom(['https://d111111abcdef8.cloudfront.net/']);
  const template = render();
  const ids = logicalIds(stack, api);

  describe('the HTTP API', () => {
    it('verifies tokens with a JWT authorizer whose issuer is the user pool and whose audience is the gallery client', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          // ProviderURL is `cognito-idp.<region>.amazonaws.com/<pool id>`, the `iss` of the pool's tokens.
          Issuer: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.pool, 'ProviderURL'] }]] },
          Audience: [{ Ref: ids.client }],
        },
      });
    });

    it('sends every method but OPTIONS on /api/{proxy+} through the authorizer to the function, as payload 2.0', () => {
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
      const proxied = routes.filter((route) => String(route.Properties.RouteKey).endsWith(' /api/{proxy+}'));
      expect(proxied.map((route) => route.Properties.RouteKey).sort()).toEqual(AUTHENTICATED_METHODS.map((method) => `${method} /api/{proxy+}`).sort());
      for (const route of proxied) {
        expect(route.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: ids.authorizer } });
      }
      // The browser's CORS preflight carries no token: API Gateway answers it only if no route takes it.
      expect(routes.filter((route) => /^(ANY|OPTIONS) /.test(String(route.Properties.RouteKey)))).toEqual([]);
      template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [stack.getLogicalId(stack.node.findChild('ApiFunction').node.defaultChild as CfnFunction), 'Arn'] },
      });
    });

    it('serves only the health check and the OpenAPI document without a token', () => {
      const open = Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { AuthorizationType: 'NONE' } }));
      expect(open.map((route) => route.Properties.RouteKey).sort()).toEqual(PUBLIC_ROUTES.map((path) => `GET ${path}`).sort());
      for (const route of open) expect(route.Properties.AuthorizerId).toBeUndefined();
      expect(PUBLIC_ROUTES).toContain('/api/health');
    });

    it('throttles the default stage, and the public routes to a small share of it', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: DEFAULT_THROTTLE.rateLimit, ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit },
        RouteSettings: Object.fromEntries(
          PUBLIC_ROUTES.map((path) => [`GET ${path}`, { ThrottlingRateLimit: PUBLIC_ROUTE_THROTTLE.rateLimit, ThrottlingBurstLimit: PUBLIC_ROUTE_THROTTLE.burstLimit }]),
        ),
      });
      // Route settings name routes, which must exist before the stage.
      const publicRouteIds = Object.keys(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { AuthorizationType: 'NONE' } }));
      expect(resources(template)[ids.stage]?.DependsOn).toEqual(expect.arrayContaining(publicRouteIds));

      const custom = build({ throttle: { rateLimit: 7, burstLimit: 9 } }).template();
      custom.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 } });
    });

    it('writes a JSON access log line per request to a log group that expires them', () => {
      const stage = resources(template)[ids.stage];
      const settings = stage?.Properties?.['AccessLogSettings'] as { DestinationArn: unknown; Format: string };
      expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [ids.logs, 'Arn'] });
      expect(JSON.parse(settings.Format)).toMatchObject({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
        authorizerError: '$context.authorizer.error',
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
      build({ logRetention: RetentionDays.ONE_WEEK }).template().hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    });

    it('allows the given origins to send the token and JSON, and configures no CORS when there is none', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: {
          AllowOrigins: ['http://localhost:4200'],
          AllowHeaders: ['authorization', 'content-type'],
          AllowMethods: AUTHENTICATED_METHODS.map(String),
          AllowCredentials: false,
        },
      });
      build().template().hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    });

    it('keeps the execute-api endpoint, and names its host for a CloudFront origin', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: Match.absent() });
      expect(stack.resolve(api.apiDomainName)).toEqual({
        'Fn::Join': ['', [{ Ref: stack.getLogicalId(api.httpApi.node.defaultChild as CfnApi) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
      });
    });
  });

  describe('the user pool', () => {
    it('signs in by email with a strong password policy, required TOTP and recovery by verified email', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        AutoVerifiedAttributes: ['email'],
        Policies: {
          PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true, PasswordHistorySize: 5 },
        },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        UserPoolTier: 'ESSENTIALS',
      });
      build({ mfa: 'optional' }).template().hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    });

    it('lets only administrators create accounts, unless self sign-up is asked for', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
      build({ selfSignUp: true }).template().hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: false } });
    });

    it('retains the pool and its access logs, and protects the pool from deletion, when asked to', () => {
      const retained = build({ retain: true }).template();
      retained.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }) });
      retained.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
      template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtection: 'INACTIVE' }) });
    });

    it('serves the hosted UI under the given prefix, or one unique to the construct and account', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
        Domain: { 'Fn::Join': ['', [Match.stringLikeRegexp('^test-api-[0-9a-f]{8}-$'), { Ref: 'AWS::AccountId' }]] },
        ManagedLoginVersion: 1,
      });
      build({ domainPrefix: 'mediaflow-prod' }).template().hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'mediaflow-prod' });
    });
  });

  describe('the gallery app client', () => {
    it('is a public client for the authorization code flow (with PKCE) and the openid, email and profile scopes only', () => {
      template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        SupportedIdentityProviders: ['COGNITO'],
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        CallbackURLs: [LOCAL_GALLERY],
        LogoutURLs: [LOCAL_GALLERY],
      });
    });

    it('issues hour-long access tokens, revokes tokens and does not reveal whether an account exists', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        AccessTokenValidity: 60,
        IdTokenValidity: 60,
        RefreshTokenValidity: 24 * 60,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
      });
    });

    it('gives the gallery its sign-in settings', () => {
      expect(stack.resolve(api.gallerySignIn)).toEqual({
        type: 'cognito',
        domain: {
          'Fn::Join': ['', ['https://', { Ref: stack.getLogicalId(api.userPoolDomain.node.defaultChild as CfnUserPoolDomain) }, '.auth.', { Ref: 'AWS::Region' }, '.amazoncognito.com']],
        },
        clientId: { Ref: ids.client },
        scopes: ['openid', 'email', 'profile'],
        tokenUse: 'access',
        responseType: 'code',
      });
    });
  });

  describe('sign-in URLs known only after deployment', () => {
    const [update] = Object.entries(template.findResources('Custom::CognitoSignInUrls'));
    const [, updateResource] = update ?? [];

    it('adds them with UpdateUserPoolClient, sending every other setting of the template client unchanged', () => {
      expect(updateResource).toBeDefined();
      const client = resources(template)[ids.client]?.Properties ?? {};
      const { GenerateSecret: _secret, UserPoolId: _pool, CallbackURLs: _callbacks, LogoutURLs: _logouts, ...declared } = client;
      for (const which of ['Create', 'Update'] as const) {
        const call = sdkCall(updateResource?.Properties[which]);
        expect(call.action).toBe('UpdateUserPoolClient');
        const { UserPoolId, ClientId, CallbackURLs, LogoutURLs, ...sent } = call.parameters;
        expect(sent).toEqual(declared);
        expect({ UserPoolId, ClientId }).toEqual({ UserPoolId: `\${Ref:${ids.pool}}`, ClientId: `\${Ref:${ids.client}}` });
        expect(CallbackURLs).toEqual([LOCAL_GALLERY, 'https://d111111abcdef8.cloudfront.net/']);
        expect(LogoutURLs).toEqual(CallbackURLs);
      }
    });

    it('puts the template settings back when removed', () => {
      const call = sdkCall(updateResource?.Properties['Delete']);
      const { UserPoolId: _pool, ClientId: _client, ...sent } = call.parameters;
      const { GenerateSecret: _secret, UserPoolId: _poolRef, ...declared } = resources(template)[ids.client]?.Properties ?? {};
      expect(sent).toEqual(declared);
    });

    it('may call UpdateUserPoolClient on this user pool only', () => {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'cognito-idp:UpdateUserPoolClient', Resource: { 'Fn::GetAtt': [ids.pool, 'Arn'] } }] },
      });
    });

    it('turns the code flow on with them when no URL was known before deployment', () => {
      const late = build({ signInUrls: [] });
      late.api.allowSignInFrom(['https://d111111abcdef8.cloudfront.net/']);
      late.api.allowSignInFrom(['https://media.example.com/']);
      const lateTemplate = late.template();
      lateTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', { AllowedOAuthFlowsUserPoolClient: false, CallbackURLs: Match.absent() });
      lateTemplate.resourceCountIs('Custom::CognitoSignInUrls', 1);
      const [resource] = Object.values(lateTemplate.findResources('Custom::CognitoSignInUrls'));
      expect(sdkCall(resource?.Properties.Create).parameters).toMatchObject({
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        CallbackURLs: ['https://d111111abcdef8.cloudfront.net/', 'https://media.example.com/'],
      });
    });

    it('composes with a distribution that fronts the API and serves the client id, without a dependency cycle', () => {
      // CDK's own template validation reports dependency cycles; this flag makes them fail synthesis.
      const strict = { '@aws-cdk/core:validateAgainstDefaultRules': true };
      const composed = build({ signInUrls: [] }, 'Composed', strict);
      const distribution = withDistribution(composed.stack, composed.api);
      composed.api.allowSignInFrom([`https://${distribution.distributionDomainName}/`]);
      expect(() => composed.app.synth()).not.toThrow();
      const [resource] = Object.values(composed.template().findResources('Custom::CognitoSignInUrls'));
      expect(sdkCall(resource?.Properties.Create).parameters['CallbackURLs']).toEqual([
        `https://\${${composed.stack.getLogicalId(distribution.node.defaultChild as CfnDistribution)}.DomainName}/`,
      ]);

      // The same URL written straight into the template's client would close the loop.
      const direct = build({}, 'Direct', strict);
      const directDistribution = withDistribution(direct.stack, direct.api);
      (direct.api.userPoolClient.node.defaultChild as CfnUserPoolClient).callbackUrLs = [`https://${directDistribution.distributionDomainName}/`];
      expect(() => direct.app.synth()).toThrow(/Circular dependency/);
    });

    it('refuses URLs Cognito would refuse, and a pool nobody can sign in to', () => {
      expect(() => build({ signInUrls: ['http://media.example.com/'] })).toThrow(/must be https/);
      expect(() => api.allowSignInFrom(['https://media.example.com/#signed-in'])).toThrow(/without a fragment/);
      expect(() => build({ signInUrls: [] }).app.synth()).toThrow(/no sign-in URL/);
    });
  });

  describe('cdk-nag', () => {
    const app = new App({ outdir: outdir(), context: { ...APP_CONTEXT } });
    const required = new Stack(app, 'Required');
    new MediaApi(required, 'Api', { handler: apiFunction(required), allowedOrigins: ['http://localhost:4200'], retain: true, signInUrls: [LOCAL_GALLERY] }).allowSignInFrom([
      'https://d111111abcdef8.cloudfront.net/',
    ]);
    const optional = new Stack(app, 'Optional');
    new MediaApi(optional, 'Api', { handler: apiFunction(optional), allowedOrigins: [], retain: false, mfa: 'optional', signInUrls: [LOCAL_GALLERY] });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));

    function acknowledged(stack: Stack): string[] {
      const suppressions = Object.values(resources(Template.fromStack(stack))).flatMap((resource) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? []);
      for (const suppression of suppressions) expect(suppression.reason.length).toBeGreaterThan(80);
      return [...new Set(suppressions.map((suppression) => suppression.id))].sort();
    }

    it('passes the AwsSolutions pack, acknowledging only the feature plan, the public routes and CDK’s provider role', () => {
      expect(() => app.synth()).not.toThrow();
      expect(acknowledged(required)).toEqual([BASIC_EXECUTION, 'AwsSolutions::AwsSolutions-APIG4', 'AwsSolutions::AwsSolutions-COG8'].sort());
    });

    it('acknowledges optional MFA only where it was asked for', () => {
      expect(acknowledged(optional)).toEqual([BASIC_EXECUTION, 'AwsSolutions::AwsSolutions-APIG4', 'AwsSolutions::AwsSolutions-COG2', 'AwsSolutions::AwsSolutions-COG8'].sort());
    });
  });
});
