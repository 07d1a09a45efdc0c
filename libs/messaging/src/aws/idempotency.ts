import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { MessageHandler, ReceivedMessage } from '@mediaflow/domain';
import type { Context } from 'aws-lambda';

export interface IdempotencyOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long a completed key is remembered (default a day: longer than any redelivery). */
  expiresAfterSeconds?: number;
  /**
   * The idempotency key of a message. Default: the domain event's `id` (two deliveries of one
   * event, even through different queues' retries, share it), else the SQS message id.
   */
  keyOf?: (message: ReceivedMessage) => string;
}

/** The event id of a domain event body, else the message id. */
export function defaultIdempotencyKey(message: ReceivedMessage): string {
  try {
    const id = (JSON.parse(message.body) as { id?: unknown }).id;
    if (typeof id === 'string' && id.length > 0) return `event:${id}`;
  } catch {
    // Not JSON: fall through to the message id.
  }
  return `message:${message.id}`;
}

/**
 * Runs `handler` at most once per key (Powertools Idempotency with DynamoDB persistence): a second
 * delivery of a message that already succeeded returns at once; one that is in progress elsewhere
 * throws, so that delivery is retried later; a failure clears the key, so a retry runs again.
 */
/** A message handler that runs once per key; tell it each invocation's Lambda context. */
export interface IdempotentHandler extends MessageHandler {
  /** Lets an in-progress key expire with the invocation (a timed-out Lambda frees its keys). */
  useLambdaContext(context: Context): void;
}

export function idempotent(handler: MessageHandler, options: IdempotencyOptions): IdempotentHandler {
  const keyOf = options.keyOf ?? defaultIdempotencyKey;
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: options.tableName, awsSdkV3Client: options.client });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: options.expiresAfterSeconds ?? 24 * 3600 });
  const once = makeIdempotent(
    async (input: { key: string }, message: ReceivedMessage): Promise<{ done: string }> => {
      await handler(message);
      return { done: input.key };
    },
    { persistenceStore, config },
  );
  const run = async (message: ReceivedMessage): Promise<void> => {
    await once({ key: keyOf(message) }, message);
  };
  return Object.assign(run, { useLambdaContext: (context: Context) => config.registerLambdaContext(context) });
}
