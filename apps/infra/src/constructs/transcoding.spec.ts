import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnRule } from 'aws-cdk-lib/aws-events';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MediaTranscoding, type MediaTranscodingProps } from './transcoding.js';

interface Built {
  stack: Stack;
  transcoding: MediaTranscoding;
  ids: { role: string; queue: string; rule: string; deadLetterQueue: string; bucket: string; function: string };
}

/** A stack with the media bucket, the video-complete function and the construct under test. */
function build(app: App, options: Partial<Pick<MediaTranscodingProps, 'deadLetterFailedInvocations'>> = {}): Built {
  const stack = new Stack(app, 'Test');
  const media = new Bucket(stack, 'Media', {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
  });
  Validations.of(media).acknowledge({ id: 'AwsSolutions::AwsSolutions-S1', reason: 'Test stand-in for the media bucket, whose access logging MediaStorage configures.' });
  const onJobStateChange = new LambdaFunction(stack, 'VideoComplete', {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => undefined;'),
  });
  Validations.of(onJobStateChange).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'Test stand-in for the video-complete function, which another construct builds.',
  });
  const transcoding = new MediaTranscoding(stack, 'Transcoding', {
    media: media as IBucket,
    onJobStateChange,
    ...options,
  });
  const ids = {
    role: stack.getLogicalId(transcoding.role.node.defaultChild as CfnRole),
    queue: stack.getLogicalId(transcoding.queue),
    rule: stack.getLogicalId(transcoding.rule.node.defaultChild as CfnRule),
    deadLetterQueue: stack.getLogicalId(transcoding.deadLetterQueue.node.defaultChild as CfnQueue),
    bucket: stack.getLogicalId(media.node.defaultChild as CfnBucket),
    function: stack.getLogicalId(onJobStateChange.node.defaultChild as CfnFunction),
  };
  return { stack, transcoding, ids };
}

function fixture(options: Partial<Pick<MediaTranscodingProps, 'deadLetterFailedInvocations'>> = {}): Built & { template: Template } {
  const built = build(new App(), options);
  return { ...built, template: Template.fromStack(built.stack) };
}

const objects = (bucket: string, pattern: string): unknown => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, pattern]] });

describe('MediaTranscoding', () => {
  const { template, ids } = fixture();

  it('lets only MediaConvert assume its role, for jobs of this account and this queue', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'mediaconvert.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ids.queue, 'Arn'] } },
            },
          },
        ],
      },
    });
  });

  it('lets the role read originals and write renditions, and nothing else', () => {
    const role = template.findResources('AWS::IAM::Role')[ids.role];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role?.Properties.Policies).toEqual([
      {
        PolicyName: 'media',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'ReadOriginals', Effect: 'Allow', Action: 's3:GetObject', Resource: objects(ids.bucket, '/originals/*') },
            { Sid: 'WriteRenditions', Effect: 'Allow', Action: 's3:PutObject', Resource: objects(ids.bucket, '/renditions/*') },
          ],
        },
      },
    ]);
    // No policy elsewhere in the stack adds to the role.
    const attached = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) => JSON.stringify(policy.Properties.Roles).includes(ids.role));
    expect(attached).toEqual([]);
  });

  it('creates an active on-demand MediaConvert queue of its own', () => {
    template.resourceCountIs('AWS::MediaConvert::Queue', 1);
    template.hasResourceProperties('AWS::MediaConvert::Queue', { PricingPlan: 'ON_DEMAND', Status: 'ACTIVE' });
  });

  it("routes this queue's job state changes, in the states parseJobStateChange acts on, and nothing else", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.exact({
        source: ['aws.mediaconvert'],
        'detail-type': ['MediaConvert Job State Change'],
        detail: {
          queue: [{ 'Fn::GetAtt': [ids.queue, 'Arn'] }],
          status: ['SUBMITTED', 'PROGRESSING', 'STATUS_UPDATE', 'COMPLETE', 'ERROR', 'CANCELED'],
        },
      }),
      State: 'ENABLED',
    });
  });

  it('targets the function, retrying delivery for six hours before the dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [ids.function, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ids.deadLetterQueue, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 24, MaximumEventAgeInSeconds: 6 * 3600 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [ids.function, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ids.rule, 'Arn'] },
    });
  });

  it('keeps the dead-letter queue encrypted, TLS-only and writable by this rule alone', () => {
    const queue = template.findResources('AWS::SQS::Queue')[ids.deadLetterQueue];
    expect(queue?.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids.deadLetterQueue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ids.rule, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it("sends the events the function failed on, after Lambda's retries, to the same dead-letter queue", () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.function },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids.deadLetterQueue, 'Arn'] } } },
    });
    fixture({ deadLetterFailedInvocations: false }).template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
  });

  it('allows no wildcard action, in identity or resource policies', () => {
    const actions: string[] = [];
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(visit);
      if (value === null || typeof value !== 'object') return;
      const statement = value as { Effect?: unknown; Action?: string | string[] };
      if (statement.Effect === 'Allow' && statement.Action !== undefined) actions.push(...[statement.Action].flat());
      else Object.values(value).forEach(visit);
    };
    visit(template.toJSON()['Resources']);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  describe('under cdk-nag', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'mediaflow-transcoding-'));
    afterAll(() => rmSync(outdir, { recursive: true, force: true }));

    it('synthesizes with no unacknowledged AwsSolutions finding, keeping only the prefix grants and the DLQ rule', () => {
      const app = new App({ outdir });
      // Registered before anything synthesizes: an app synthesizes once, and validation runs then.
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
      const { ids } = build(app);
      const resources = app.synth().getStackByName('Test').template['Resources'] as Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress?: { id: string }[] } } }>;
      const suppressed = (id: string): string[] => (resources[id]?.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((rule) => rule.id);
      expect(suppressed(ids.role)).toEqual([
        `AwsSolutions::AwsSolutions-IAM5[Resource::<${ids.bucket}.Arn>/originals/*]`,
        `AwsSolutions::AwsSolutions-IAM5[Resource::<${ids.bucket}.Arn>/renditions/*]`,
      ]);
      expect(suppressed(ids.deadLetterQueue)).toEqual(['AwsSolutions::AwsSolutions-SQS3']);
    });
  });
});
