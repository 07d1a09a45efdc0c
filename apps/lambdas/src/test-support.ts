import { Logger } from '@aws-lambda-powertools/logger';
import type { ServiceDeps } from '@mediaflow/media-service';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { serviceConfig, type Runtime } from './composition.js';
import { loadConfig } from './config.js';
import { Telemetry } from './observability.js';

/** An environment as the infra sets it. */
export const GOOD_ENV: Record<string, string> = {
  AWS_REGION: 'eu-west-1',
  MEDIA_BUCKET: 'mediaflow-media-test',
  MEDIA_TABLE: 'mediaflow-media',
  EVENTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:mediaflow-events',
  IDEMPOTENCY_TABLE: 'mediaflow-idempotency',
  MEDIA_BASE_URL: 'https://d111111abcdef8.cloudfront.net/media',
  MEDIACONVERT_ROLE_ARN: 'arn:aws:iam::123456789012:role/mediaflow-mediaconvert',
  MEDIACONVERT_QUEUE_ARN: 'arn:aws:mediaconvert:eu-west-1:123456789012:queues/Default',
};

/** A function's runtime on the domain's in-memory fakes, composed like the AWS one. */
export function memoryRuntime<E extends object = Record<never, never>>(functionName: string, extra: E = {} as E) {
  // EMF documents would fill the test output; tests that read them replace the publishing.
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  const config = loadConfig(GOOD_ENV);
  const deps = { ...inMemoryDeps(extra), config: serviceConfig(config) };
  const { clock, bus } = deps;
  const runtime: Runtime<ServiceDeps & E> = {
    config,
    deps,
    telemetry: new Telemetry(functionName, new Logger({ serviceName: 'mediaflow', logLevel: 'SILENT' })),
    once: (handler) => handler,
  };
  return { runtime, deps, bus, clock };
}

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: `req-${functionName}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/06/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function sqsRecord(messageId: string, body: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1780272000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1780272000001',
    },
    messageAttributes: {},
    md5OfBody: '0'.repeat(32),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:mediaflow-queue',
    awsRegion: 'eu-west-1',
  };
}

export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
