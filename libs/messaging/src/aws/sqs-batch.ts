import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { MessageHandler } from '@mediaflow/domain';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { correlationIdOf, withCorrelationId } from '../correlation.js';
import { toReceivedMessage } from './sqs-records.js';

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * A Lambda handler for an SQS event source mapping with `ReportBatchItemFailures`: each record runs
 * through `handler`; only the records that threw are reported, so SQS retries those alone (and
 * redrives them to the dead-letter queue after `maxReceiveCount`), never the whole batch. Each
 * record runs with the correlation id its body carries ({@link correlationIdOf}), which the events
 * it publishes pass on.
 */
export function sqsBatchHandler(handler: MessageHandler & { useLambdaContext?: (context: Context) => void }): SqsBatchHandler {
  return async (event, context) => {
    handler.useLambdaContext?.(context);
    const processor = new BatchProcessor(EventType.SQS);
    const recordHandler = async (record: SQSRecord): Promise<void> => {
      const message = toReceivedMessage(record);
      return withCorrelationId(correlationIdOf(message.body), () => handler(message));
    };
    return (await processPartialResponse(event, recordHandler, processor, { context })) as SQSBatchResponse;
  };
}
