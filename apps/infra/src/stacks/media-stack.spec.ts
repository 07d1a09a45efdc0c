import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { pipelineQueues } from '@mediaflow/workers';
import { createApp } from '../main.js';
import { MediaStack } from './media-stack.js';

interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  Principal?: unknown;
}

interface NagSuppression {
  id: string;
  reason: string;
}

const outdirs: string[] = [];
function outdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mediaflow-infra-'));
  outdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** Every statement of every policy document in the template: identity and resource policies. */
function statements(template: Template): { resource: string; type: string; statement: PolicyStatement }[] {
  const found: { resource: string; type: string; statement: PolicyStatement }[] = [];
  const visit = (resource: string, type: string, value: unknown): void => {
    if (Array.isArray(value)) return value.forEach((item) => visit(resource, type, item));
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'Statement' && Array.isArray(child)) for (const statement of child as PolicyStatement[]) found.push({ resource, type, statement });
      else visit(resource, type, child);
    }
  };
  for (const [id, resource] of Object.entries(template.toJSON()['Resources'] as Record<string, { Type: string }>)) visit(id, resource.Type, resource);
  return found;
}

function wildcardActions(statement: PolicyStatement): string[] {
  if (statement.Effect !== 'Allow') return [];
  const actions = typeof statement.Action === 'string' ? [statement.Action] : (statement.Action ?? []);
  return actions.filter((action) => action.includes('*'));
}

describe('the Mediaflow app', () => {
  const app = createApp({ outdir: outdir() });
  // Synthesis runs cdk-nag's AwsSolutions pack; an unacknowledged finding would throw here.
  const assembly = app.synth();
  const stack = app.node.findChild('Mediaflow-dev') as MediaStack;
  const template = Template.fromStack(stack);

  it('synthesizes one stack for the dev stage by default, with no unacknowledged cdk-nag finding', () => {
    expect(assembly.stacks.map((artifact) => artifact.stackName)).toEqual(['Mediaflow-dev']);
  });

  it('names the stack after the stage given in context', () => {
    const prod = createApp({ outdir: outdir(), context: { stage: 'prod', galleryOrigin: 'https://media.example.com' } });
    const prodStack = prod.node.findChild('Mediaflow-prod') as MediaStack;
    const prodTemplate = Template.fromStack(prodStack);
    prodTemplate.hasResourceProperties('AWS::S3::Bucket', { CorsConfiguration: { CorsRules: [{ AllowedOrigins: ['https://media.example.com'] }] } });
    expect(Object.values(prodTemplate.findResources('AWS::S3::Bucket')).every((bucket) => bucket.DeletionPolicy === 'Retain')).toBe(true);
  });

  it('composes storage, data and events, with the workers topology including tagging', () => {
    template.resourceCountIs('AWS::S3::Bucket', 3);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 2);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SQS::Queue', pipelineQueues(1, undefined, { tagging: true }).length * 2);
    template.resourceCountIs('AWS::SNS::Subscription', pipelineQueues(1, undefined, { tagging: true }).filter((definition) => definition.filter).length);
  });

  it('grants no wildcard actions in any identity policy', () => {
    const identity = statements(template).filter(({ type }) => type === 'AWS::IAM::Policy' || type === 'AWS::IAM::ManagedPolicy' || type === 'AWS::IAM::Role');
    expect(identity.length).toBeGreaterThan(0);
    expect(identity.flatMap(({ resource, statement }) => wildcardActions(statement).map((action) => `${resource}: ${action}`))).toEqual([]);
  });

  it('grants wildcard actions in resource policies only to the function that empties throwaway buckets at teardown', () => {
    const autoDelete = new Set(Object.keys(template.findResources('Custom::S3AutoDeleteObjects')));
    expect(autoDelete.size).toBe(3);
    const grants = statements(template).filter(({ statement }) => wildcardActions(statement).length > 0);
    for (const { statement } of grants) expect(JSON.stringify(statement.Principal)).toContain('CustomS3AutoDeleteObjectsCustomResourceProviderRole');

    const prod = createApp({ outdir: outdir(), context: { stage: 'prod' } });
    const prodTemplate = Template.fromStack(prod.node.findChild('Mediaflow-prod') as Stack);
    expect(statements(prodTemplate).flatMap(({ statement }) => wildcardActions(statement))).toEqual([]);
  });

  it('acknowledges each cdk-nag finding it keeps with a written reason', () => {
    const suppressions = Object.values(template.toJSON()['Resources'] as Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress?: NagSuppression[] } } }>).flatMap(
      (resource) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? [],
    );
    // The acknowledgement sits on CDK's notifications handler and so lands on its role and its function.
    expect([...new Set(suppressions.map((suppression) => suppression.id))]).toEqual([
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    ]);
    for (const suppression of suppressions) expect(suppression.reason.length).toBeGreaterThan(40);
  });

  it('fails synthesis on a cdk-nag finding nobody acknowledged', () => {
    const bare = new App({ outdir: outdir() });
    new Bucket(new Stack(bare, 'Bare'), 'Bucket');
    Validations.of(bare).addPlugins(new AwsSolutionsChecks(bare));
    expect(() => bare.synth()).toThrow(/AwsSolutions-S10/);
  });
});
