import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnAuthorizer, CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { CfnUserPool, CfnUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { APP_CONTEXT } from '../config.js';
import { MediaAuth, type MediaAuthProps } from '../constructs/auth.js';
import { MediaHttpApi, type MediaHttpApiProps } from '../constructs/http-api.js';

/**
 * The stack the MediaAuth and MediaHttpApi tests build: the auth, and the HTTP API in its scope
 * under `Default`, as MediaStack composes them, over a stand-in API function. Tests only.
 */

export const LOCAL_GALLERY = 'http://localhost:4200/';
export const BASIC_EXECUTION = 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Metadata?: { cdk_nag?: { rules_to_suppress?: { id: string; reason: string }[] } };
}

const outdirs: string[] = [];
export function outdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mediaflow-api-'));
  outdirs.push(dir);
  return dir;
}
// Jest runs this module inside each test file that imports it, so each file cleans up its own.
afterAll(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function apiFunction(stack: Stack): LambdaFunction {
  const handler = new LambdaFunction(stack, 'ApiFunction', {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
  // The stand-in's own role is the composer's business, not the construct's.
  Validations.of(handler).acknowledge({ id: BASIC_EXECUTION, reason: 'Stand-in for the API function in a construct test; its role only writes its own logs.' });
  return handler;
}

/** What the stack composes: the auth, and the HTTP API in its scope under `Default` (MediaStack). */
export type ApiProps = Partial<MediaAuthProps & Omit<MediaHttpApiProps, 'tokens'>>;

export interface Built {
  app: App;
  stack: Stack;
  auth: MediaAuth;
  http: MediaHttpApi;
  template: () => Template;
}

export function build(props: ApiProps = {}, id = 'Test', context: Record<string, unknown> = {}): Built {
  const app = new App({ outdir: outdir(), context: { ...APP_CONTEXT, ...context } });
  const stack = new Stack(app, id);
  const { handler, allowedOrigins, throttle, logRetention, ...authProps } = props;
  const auth = new MediaAuth(stack, 'Api', { retain: false, signInUrls: [LOCAL_GALLERY], ...authProps });
  const http = new MediaHttpApi(auth, 'Default', {
    handler: handler ?? apiFunction(stack),
    tokens: auth,
    allowedOrigins: allowedOrigins ?? [],
    retain: authProps.retain ?? false,
    ...(throttle === undefined ? {} : { throttle }),
    ...(logRetention === undefined ? {} : { logRetention }),
  });
  return { app, stack, auth, http, template: () => Template.fromStack(stack) };
}

export function resources(template: Template): Record<string, Resource> {
  return template.toJSON()['Resources'] as Record<string, Resource>;
}

export function logicalIds(stack: Stack, auth: MediaAuth, http: MediaHttpApi) {
  return {
    pool: stack.getLogicalId(auth.userPool.node.defaultChild as CfnUserPool),
    client: stack.getLogicalId(auth.userPoolClient.node.defaultChild as CfnUserPoolClient),
    stage: stack.getLogicalId(http.stage.node.defaultChild as CfnStage),
    logs: stack.getLogicalId(http.accessLogs.node.defaultChild as CfnLogGroup),
    authorizer: stack.getLogicalId(http.httpApi.node.findChild('CognitoAuthorizer').node.defaultChild as CfnAuthorizer),
  };
}
