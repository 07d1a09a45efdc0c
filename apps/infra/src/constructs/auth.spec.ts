import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Distribution, Function as EdgeFunction, FunctionCode, FunctionEventType, type CfnDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { CfnUserPoolClient, CfnUserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks } from 'cdk-nag';
import { APP_CONTEXT } from '../config.js';
import { RoleSchema } from '@mediaflow/domain';
import { MediaAuth, MODERATOR_GROUP } from './auth.js';
import { MediaHttpApi } from './http-api.js';
import { apiFunction, BASIC_EXECUTION, build, LOCAL_GALLERY, logicalIds, outdir, resources } from '../testing/api-stack.js';

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
function withDistribution(stack: Stack, auth: MediaAuth, http: MediaHttpApi): Distribution {
  const config = new EdgeFunction(stack, 'ConfigFunction', {
    code: FunctionCode.fromInline(
      `function handler() { return { statusCode: 200, body: JSON.stringify({ auth: { type: 'cognito', clientId: '${auth.userPoolClient.userPoolClientId}' } }) }; }`,
    ),
  });
  return new Distribution(stack, 'Distribution', {
    defaultBehavior: { origin: new HttpOrigin('gallery.example.com') },
    additionalBehaviors: {
      '/api/*': { origin: new HttpOrigin(http.apiDomainName) },
      '/config.json': { origin: new HttpOrigin('gallery.example.com'), functionAssociations: [{ function: config, eventType: FunctionEventType.VIEWER_REQUEST }] },
    },
  });
}

describe('MediaAuth', () => {
  const { stack, auth, http, template: render } = build({ allowedOrigins: ['http://localhost:4200'] });
  auth.allowSignInFrom(['https://d111111abcdef8.cloudfront.net/']);
  const template = render();
  const ids = logicalIds(stack, auth, http);

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

    it('has a moderator group, whose name the api function reads from cognito:groups as the moderator role', () => {
      template.resourceCountIs('AWS::Cognito::UserPoolGroup', 1);
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: MODERATOR_GROUP, UserPoolId: { Ref: ids.pool } });
      expect(RoleSchema.options).toContain(MODERATOR_GROUP);
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

    it('issues hour-long access and ID tokens, 30-day refresh tokens, revokes tokens and does not reveal whether an account exists', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        AccessTokenValidity: 60,
        IdTokenValidity: 60,
        RefreshTokenValidity: 30 * 24 * 60,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
      });
    });

    it('takes the refresh token validity from -c refreshTokenDays, access and ID tokens staying an hour', () => {
      build({}, 'Days', { refreshTokenDays: 90 }).template().hasResourceProperties('AWS::Cognito::UserPoolClient', {
        AccessTokenValidity: 60,
        IdTokenValidity: 60,
        RefreshTokenValidity: 90 * 24 * 60,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      });
      const days = (context: Record<string, unknown>) =>
        Object.values(build({}, 'Days', context).template().findResources('AWS::Cognito::UserPoolClient'))[0]?.Properties['RefreshTokenValidity'];
      expect(days({ refreshTokenDays: '90' })).toBe(90 * 24 * 60);
      expect(days({ refreshTokenDays: 3650 })).toBe(3650 * 24 * 60);
      expect(days({ refreshTokenDays: '0.5' })).toBe(12 * 60);
      expect(days({ refreshTokenDays: 1 / 24 })).toBe(60);
      expect(days({})).toBe(30 * 24 * 60);
    });

    it.each([['0'], ['0.01'], ['3651'], ['thirty'], ['-5'], [Number.POSITIVE_INFINITY]])('stops synthesis for -c refreshTokenDays=%s, outside Cognito\u2019s hour to ten years', (value) => {
      expect(() => build({}, 'Days', { refreshTokenDays: value })).toThrow(/refreshTokenDays=.* is not a number of days Cognito accepts for a refresh token: give one from 0\.0417 \(an hour\) to 3650 \(ten years\)/);
    });

    it('gives the gallery its sign-in settings', () => {
      expect(stack.resolve(auth.gallerySignIn)).toEqual({
        type: 'cognito',
        domain: {
          'Fn::Join': ['', ['https://', { Ref: stack.getLogicalId(auth.userPoolDomain.node.defaultChild as CfnUserPoolDomain) }, '.auth.', { Ref: 'AWS::Region' }, '.amazoncognito.com']],
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
      late.auth.allowSignInFrom(['https://d111111abcdef8.cloudfront.net/']);
      late.auth.allowSignInFrom(['https://media.example.com/']);
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
      const distribution = withDistribution(composed.stack, composed.auth, composed.http);
      composed.auth.allowSignInFrom([`https://${distribution.distributionDomainName}/`]);
      expect(() => composed.app.synth()).not.toThrow();
      const [resource] = Object.values(composed.template().findResources('Custom::CognitoSignInUrls'));
      expect(sdkCall(resource?.Properties.Create).parameters['CallbackURLs']).toEqual([
        `https://\${${composed.stack.getLogicalId(distribution.node.defaultChild as CfnDistribution)}.DomainName}/`,
      ]);

      // The same URL written straight into the template's client would close the loop.
      const direct = build({}, 'Direct', strict);
      const directDistribution = withDistribution(direct.stack, direct.auth, direct.http);
      (direct.auth.userPoolClient.node.defaultChild as CfnUserPoolClient).callbackUrLs = [`https://${directDistribution.distributionDomainName}/`];
      expect(() => direct.app.synth()).toThrow(/Circular dependency/);
    });

    it('refuses URLs Cognito would refuse, and a pool nobody can sign in to', () => {
      expect(() => build({ signInUrls: ['http://media.example.com/'] })).toThrow(/must be https/);
      expect(() => auth.allowSignInFrom(['https://media.example.com/#signed-in'])).toThrow(/without a fragment/);
      expect(() => build({ signInUrls: [] }).app.synth()).toThrow(/no sign-in URL/);
    });
  });

  describe('cdk-nag', () => {
    const app = new App({ outdir: outdir(), context: { ...APP_CONTEXT } });
    const required = new Stack(app, 'Required');
    const requiredAuth = new MediaAuth(required, 'Api', { retain: true, signInUrls: [LOCAL_GALLERY] });
    new MediaHttpApi(requiredAuth, 'Default', { handler: apiFunction(required), tokens: requiredAuth, allowedOrigins: ['http://localhost:4200'], retain: true });
    requiredAuth.allowSignInFrom(['https://d111111abcdef8.cloudfront.net/']);
    const optional = new Stack(app, 'Optional');
    const optionalAuth = new MediaAuth(optional, 'Api', { retain: false, mfa: 'optional', signInUrls: [LOCAL_GALLERY] });
    new MediaHttpApi(optionalAuth, 'Default', { handler: apiFunction(optional), tokens: optionalAuth, allowedOrigins: [], retain: false });
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
