import { Aws, Duration, Lazy, Names, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  CfnUserPoolGroup,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
  type CfnUserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId, type AwsSdkCall } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeCdkHandler } from '../nag.js';

/**
 * The user pool group whose members are moderators: the access token names it in `cognito:groups`,
 * which the api function reads as the `moderator` role (the same name as the role, so one word
 * means one thing everywhere). Add someone with
 * `aws cognito-idp admin-add-user-to-group --user-pool-id ... --username ... --group-name moderator`.
 */
export const MODERATOR_GROUP = 'moderator';

export interface MediaAuthProps {
  /** Let anyone create an account from the hosted UI. Off by default: an administrator invites users. */
  readonly selfSignUp?: boolean;
  /**
   * `required` (the default) makes every user enrol an authenticator app (TOTP) at first sign-in,
   * which the hosted UI walks them through. `optional` is meant for throwaway stages with test accounts.
   */
  readonly mfa?: 'required' | 'optional';
  /** Keep the user pool (and forbid its deletion) when the stack goes away: it holds the accounts. */
  readonly retain: boolean;
  /**
   * Prefix of the hosted UI's domain (`<prefix>.auth.<region>.amazoncognito.com`), unique per region
   * across all accounts. Default: derived from this construct's path and the account id.
   */
  readonly domainPrefix?: string;
  /**
   * Sign-in callback and sign-out URLs known before deployment: a custom domain, or
   * `http://localhost:4200/` for the gallery's dev server. URLs only known once something that depends
   * on the API exists (the CloudFront distribution) go through {@link MediaAuth.allowSignInFrom}.
   */
  readonly signInUrls?: readonly string[];
  /**
   * How long a refresh token lasts, which is how long a person stays signed in without signing in
   * again. Default: the `refreshTokenDays` context value (see {@link refreshTokenValidity}), else 30 days.
   */
  readonly refreshTokenValidity?: Duration;
}

/** Whose JSON Web Tokens an API accepts: the issuer (`iss`) and the app clients (`client_id` of access tokens). */
export interface TokenIssuer {
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly issuerUrl: string;
  readonly audience: readonly string[];
}

/**
 * What the gallery's `/config.json` needs under `auth` (its `CognitoAuthConfig`), except the
 * redirect and logout URIs, which the delivery layer knows.
 */
export interface GallerySignInConfig {
  readonly type: 'cognito';
  /** The hosted UI's base URL, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domain: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The JWT authorizer accepts the access token, which is what the gallery sends by default. */
  readonly tokenUse: 'access';
  /** Authorization code with PKCE: the app client has no implicit flow. */
  readonly responseType: 'code';
}

const SIGN_IN_SCOPES = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE];

/**
 * API Gateway verifies tokens offline, so a revoked access token still passes until it expires: the
 * hour bounds that. The gallery renews its access token with the refresh token before it expires,
 * so a session (and an upload in flight) outlives it without sending the person anywhere.
 */
const ACCESS_TOKEN_VALIDITY = Duration.hours(1);

/** The context key that sets how many days a refresh token (a sign-in) lasts: `-c refreshTokenDays=30`. */
export const REFRESH_TOKEN_DAYS_CONTEXT = 'refreshTokenDays';

/** How long a sign-in lasts without the person signing in again, unless the context says otherwise. */
export const DEFAULT_REFRESH_TOKEN_DAYS = 30;

/** Cognito's bounds for a refresh token's validity: an hour to ten years (3,650 days), in minutes. */
const REFRESH_TOKEN_MINUTES = { min: 60, max: 3650 * 24 * 60 } as const;

/**
 * The refresh token validity a `refreshTokenDays` context value asks for (days, fractions allowed:
 * `0.5` is twelve hours), or the 30-day default when it is not set. Anything that is not a number
 * of days within Cognito's bounds (one hour to ten years) stops synthesis with the reason.
 *
 * @example
 * refreshTokenValidity(app.node.tryGetContext('refreshTokenDays')); // Duration.days(30) when unset
 */
export function refreshTokenValidity(value: unknown): Duration {
  if (value === undefined || value === null || value === '') return Duration.days(DEFAULT_REFRESH_TOKEN_DAYS);
  const days = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  const minutes = Math.round(days * 24 * 60);
  if (!Number.isFinite(days) || minutes < REFRESH_TOKEN_MINUTES.min || minutes > REFRESH_TOKEN_MINUTES.max) {
    throw new Error(
      `-c ${REFRESH_TOKEN_DAYS_CONTEXT}=${String(value)} is not a number of days Cognito accepts for a refresh token: give one from 0.0417 (an hour) to 3650 (ten years), e.g. -c ${REFRESH_TOKEN_DAYS_CONTEXT}=30`,
    );
  }
  return Number.isInteger(days) ? Duration.days(days) : Duration.minutes(minutes);
}

/**
 * Who may use Mediaflow: the Cognito user pool, its hosted UI and the gallery's app client. The
 * gallery signs in through the hosted UI with the authorization code flow and PKCE; the HTTP API
 * accepts the pool's access tokens for that client ({@link TokenIssuer}).
 *
 * Cognito sends the invitation and recovery emails itself, which it limits to 50 a day; a stage
 * expecting more needs SES as the pool's sender.
 *
 * @example
 * const auth = new MediaAuth(this, 'Auth', { retain, signInUrls: ['http://localhost:4200/'] });
 * // ...an HTTP API accepting auth's tokens, a distribution serving the gallery and the API...
 * auth.allowSignInFrom([`https://${distribution.distributionDomainName}/`]); // exactly the gallery's redirectUri
 */
export class MediaAuth extends Construct implements TokenIssuer {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly userPoolDomain: UserPoolDomain;
  /** Members decide on items held for review, of every owner. */
  readonly moderators: CfnUserPoolGroup;
  readonly issuerUrl: string;
  readonly audience: readonly string[];
  /** For the gallery's `/config.json`: add `redirectUri` (and `logoutUri`) and serve it under `auth`. */
  readonly gallerySignIn: GallerySignInConfig;

  private readonly staticSignInUrls: readonly string[];
  private readonly lateSignInUrls: string[] = [];
  private signInUrlsUpdate: AwsCustomResource | undefined;

  constructor(scope: Construct, id: string, props: MediaAuthProps) {
    super(scope, id);
    this.staticSignInUrls = [...(props.signInUrls ?? [])];
    checkSignInUrls(this.staticSignInUrls);

    const mfa = props.mfa ?? 'required';
    this.userPool = new UserPool(this, 'UserPool', {
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // The address stays the old one until the new one is verified: a typo cannot lock anyone out.
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      selfSignUpEnabled: props.selfSignUp ?? false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: 5,
        tempPasswordValidity: Duration.days(7),
      },
      // TOTP only: SMS would need an SNS role and a spending limit, and is the weaker factor.
      mfa: mfa === 'required' ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Essentials keeps 10,000 monthly users free and offers password history; threat protection
      // needs Plus, billed for every monthly user (acknowledged below).
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.moderators = new CfnUserPoolGroup(this, 'ModeratorGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: MODERATOR_GROUP,
      description: 'Moderators: review the items held by moderation or reported by visitors of share links, and approve or reject them.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions::AwsSolutions-COG8',
      reason:
        'Threat protection needs the Plus plan, billed for every monthly active user with no free tier, while Essentials keeps the first 10,000 free. Sign-in is guarded instead by TOTP MFA (required unless a stage opts out), a 12-character password policy with history, invitation-only accounts by default and suppressed user-existence errors.',
    });
    if (mfa === 'optional') {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions::AwsSolutions-COG2',
        reason:
          'MFA was made optional for this stage (MediaAuthProps.mfa), meant for throwaway stages whose pool holds test accounts only; TOTP stays available and users who enrolled are always challenged.',
      });
    }

    this.userPoolDomain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? defaultDomainPrefix(this) },
      // The gallery only uses the OAuth endpoints, which both versions serve; the classic hosted UI
      // needs no branding resource per app client.
      managedLoginVersion: ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });

    const hasStaticUrls = this.staticSignInUrls.length > 0;
    this.userPoolClient = this.userPool.addClient('GalleryClient', {
      userPoolClientName: 'gallery',
      // A browser cannot keep a secret: the code exchange is protected by PKCE instead.
      generateSecret: false,
      // The hosted UI signs people in, so none of the client API's sign-in flows is enabled; CDK then
      // allows only refreshing. Left unset, Cognito would enable SRP and custom auth as well.
      authFlows: { user: false, userPassword: false, userSrp: false, adminUserPassword: false, custom: false },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      // Cognito refuses code flows without a callback URL. Without one known yet, the template's
      // client has OAuth off and allowSignInFrom() turns it on together with its URLs.
      ...(hasStaticUrls
        ? { oAuth: { flows: { authorizationCodeGrant: true }, scopes: SIGN_IN_SCOPES, callbackUrls: [...this.staticSignInUrls], logoutUrls: [...this.staticSignInUrls] } }
        : { disableOAuth: true }),
      accessTokenValidity: ACCESS_TOKEN_VALIDITY,
      idTokenValidity: ACCESS_TOKEN_VALIDITY,
      refreshTokenValidity: props.refreshTokenValidity ?? refreshTokenValidity(this.node.tryGetContext(REFRESH_TOKEN_DAYS_CONTEXT)),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    this.node.addValidation({
      validate: () =>
        this.staticSignInUrls.length + this.lateSignInUrls.length > 0 ? [] : ['MediaAuth has no sign-in URL: pass signInUrls or call allowSignInFrom()'],
    });

    this.issuerUrl = `https://${this.userPool.userPoolProviderUrl}`;
    this.audience = [this.userPoolClient.userPoolClientId];
    this.gallerySignIn = {
      type: 'cognito',
      domain: this.userPoolDomain.baseUrl(),
      clientId: this.userPoolClient.userPoolClientId,
      scopes: SIGN_IN_SCOPES.map((scope) => scope.scopeName),
      tokenUse: 'access',
      responseType: 'code',
    };
  }

  /**
   * Lets the gallery sign in and out at `urls` (exact callback and logout URLs, e.g.
   * `https://${distribution.distributionDomainName}/`) when they are only known from something that
   * depends on the API, such as the CloudFront distribution serving `/api/*`.
   *
   * The template's app client does not name the distribution: the client would then depend on the
   * distribution, which depends on the API, and a cycle would close as soon as the distribution or
   * anything it needs reaches back (an edge function carrying the client id, waiting for the stage,
   * which waits for the authorizer, which names the client). Instead a custom resource, which nothing
   * depends on, calls `UpdateUserPoolClient` after both exist. That call resets every setting it does not send,
   * so it sends all of the template's settings, with the OAuth flow turned on and these URLs added
   * to the static ones; since those settings are part of its input, it runs again after every
   * change CloudFormation makes to the client. Removing it puts the template's settings back.
   *
   * @example
   * auth.allowSignInFrom([`https://${distribution.distributionDomainName}/`]);
   */
  allowSignInFrom(urls: readonly string[]): void {
    checkSignInUrls(urls);
    this.lateSignInUrls.push(...urls);
    if (this.signInUrlsUpdate !== undefined) return;

    const client = this.userPoolClient.node.defaultChild as CfnUserPoolClient;
    const call = (parameters: () => Record<string, unknown>): AwsSdkCall => ({
      service: 'CognitoIdentityProvider',
      action: 'UpdateUserPoolClient',
      parameters: Lazy.any({ produce: parameters }),
      physicalResourceId: PhysicalResourceId.of(this.userPoolClient.userPoolClientId),
    });
    const target = { UserPoolId: this.userPool.userPoolId, ClientId: this.userPoolClient.userPoolClientId };
    const signingIn = () => {
      const urls = [...new Set([...this.staticSignInUrls, ...this.lateSignInUrls])];
      return {
        ...clientSettings(client),
        ...target,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: SIGN_IN_SCOPES.map((scope) => scope.scopeName),
        CallbackURLs: urls,
        LogoutURLs: urls,
      };
    };
    this.signInUrlsUpdate = new AwsCustomResource(this, 'SignInUrls', {
      resourceType: 'Custom::CognitoSignInUrls',
      onCreate: call(signingIn),
      onUpdate: call(signingIn),
      // A client already gone (replaced, or its pool never created) has nothing left to restore.
      onDelete: { ...call(() => ({ ...clientSettings(client), ...target })), ignoreErrorCodesMatching: 'ResourceNotFoundException' },
      policy: AwsCustomResourcePolicy.fromStatements([new PolicyStatement({ actions: ['cognito-idp:UpdateUserPoolClient'], resources: [this.userPool.userPoolArn] })]),
      // The SDK bundled with the Lambda runtime has UpdateUserPoolClient; fetching one at deploy time
      // would make deployments depend on npm.
      installLatestAwsSdk: false,
    });
    // AwsCustomResource runs its calls in one function per stack, added by CDK.
    acknowledgeCdkHandler(
      this,
      `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
      'CDK-provided function that makes the AwsCustomResource SDK calls during deployment; the managed policy only lets it write its own logs, and the calls it may make are granted separately, per resource.',
    );
  }
}

/** Cognito accepts https callback URLs, and plain http only for localhost. */
function checkSignInUrls(urls: readonly string[]): void {
  for (const url of urls) {
    if (Token.isUnresolved(url)) continue;
    if (!/^(https:\/\/[^#\s]+|http:\/\/localhost(:\d+)?(\/[^#\s]*)?)$/.test(url)) throw new Error(`sign-in URL ${url} must be https (or http://localhost) without a fragment`);
  }
}

/**
 * Unique within the region across accounts without a choice to make: this construct's unique name,
 * which carries the stack's, plus the account id. Cognito rejects prefixes containing `aws`,
 * `amazon` or `cognito`; a stack or construct named so needs an explicit `domainPrefix`.
 */
function defaultDomainPrefix(scope: Construct): string {
  return `${Names.uniqueResourceName(scope, { maxLength: 36, separator: '-' }).toLowerCase()}-${Aws.ACCOUNT_ID}`;
}

/**
 * Every setting of the template's app client that `UpdateUserPoolClient` accepts, in its names. A
 * setting this does not know how to send is refused rather than silently reset by the update.
 */
function clientSettings(client: CfnUserPoolClient): Record<string, unknown> {
  if (client.analyticsConfiguration !== undefined || client.refreshTokenRotation !== undefined) {
    throw new Error('the gallery app client uses analytics or refresh token rotation, which MediaAuth.allowSignInFrom does not carry over');
  }
  const units = client.tokenValidityUnits;
  if (units !== undefined && Token.isUnresolved(units)) throw new Error('the gallery app client has unresolved token validity units');
  const validityUnits = units as CfnUserPoolClient.TokenValidityUnitsProperty | undefined;
  const settings: Record<string, unknown> = {
    ClientName: client.clientName,
    RefreshTokenValidity: client.refreshTokenValidity,
    AccessTokenValidity: client.accessTokenValidity,
    IdTokenValidity: client.idTokenValidity,
    TokenValidityUnits: validityUnits && { AccessToken: validityUnits.accessToken, IdToken: validityUnits.idToken, RefreshToken: validityUnits.refreshToken },
    ReadAttributes: client.readAttributes,
    WriteAttributes: client.writeAttributes,
    ExplicitAuthFlows: client.explicitAuthFlows,
    SupportedIdentityProviders: client.supportedIdentityProviders,
    CallbackURLs: client.callbackUrLs,
    LogoutURLs: client.logoutUrLs,
    DefaultRedirectURI: client.defaultRedirectUri,
    AllowedOAuthFlows: client.allowedOAuthFlows,
    AllowedOAuthScopes: client.allowedOAuthScopes,
    AllowedOAuthFlowsUserPoolClient: client.allowedOAuthFlowsUserPoolClient,
    PreventUserExistenceErrors: client.preventUserExistenceErrors,
    EnableTokenRevocation: client.enableTokenRevocation,
    EnablePropagateAdditionalUserContextData: client.enablePropagateAdditionalUserContextData,
    AuthSessionValidity: client.authSessionValidity,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined && !(typeof value === 'object' && value !== null && Object.values(value).every((v) => v === undefined))));
}
