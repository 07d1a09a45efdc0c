import { Match } from 'aws-cdk-lib/assertions';
import type { CfnApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AUTHENTICATED_METHODS, DEFAULT_THROTTLE, PUBLIC_ROUTES, PUBLIC_ROUTE_THROTTLE, SHARED_LINK_ROUTE, SHARED_LINK_THROTTLE } from './http-api.js';
import { build, logicalIds, resources } from '../testing/api-stack.js';

describe('MediaHttpApi', () => {
  const { stack, auth, http, template: render } = build({ allowedOrigins: ['http://localhost:4200'] });
  auth.allowSignInFrom(['https://d111111abcdef8.cloudfront.net/']);
  const template = render();
  const ids = logicalIds(stack, auth, http);

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

  it('serves only the health check, the OpenAPI document and share links\u2019 visitor routes without a token', () => {
    const open = Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { AuthorizationType: 'NONE' } }));
    expect(open.map((route) => route.Properties.RouteKey).sort()).toEqual(
      [...PUBLIC_ROUTES.map((path) => `GET ${path}`), `GET ${SHARED_LINK_ROUTE}`, `POST ${SHARED_LINK_ROUTE}`].sort(),
    );
    for (const route of open) expect(route.Properties.AuthorizerId).toBeUndefined();
    expect(PUBLIC_ROUTES).toContain('/api/health');
  });

  it('throttles the default stage, and the public routes to a small share of it', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: DEFAULT_THROTTLE.rateLimit, ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit },
      RouteSettings: Object.fromEntries([
        ...PUBLIC_ROUTES.map((path) => [`GET ${path}`, { ThrottlingRateLimit: PUBLIC_ROUTE_THROTTLE.rateLimit, ThrottlingBurstLimit: PUBLIC_ROUTE_THROTTLE.burstLimit }]),
        ...['GET', 'POST'].map((method) => [
          `${method} ${SHARED_LINK_ROUTE}`,
          { ThrottlingRateLimit: SHARED_LINK_THROTTLE.rateLimit, ThrottlingBurstLimit: SHARED_LINK_THROTTLE.burstLimit },
        ]),
      ]),
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
    expect(stack.resolve(http.apiDomainName)).toEqual({
      'Fn::Join': ['', [{ Ref: stack.getLogicalId(http.httpApi.node.defaultChild as CfnApi) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
    });
  });
});
