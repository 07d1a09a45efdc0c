import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { idempotent } from '@mediaflow/messaging/aws';
import type { Runtime } from './composition.js';
import { requireSetting, type LambdaEnv } from './config.js';

/**
 * Powertools Idempotency on the IDEMPOTENCY_TABLE, keyed on the domain event's id: for the queue
 * consumers' `awsRuntime(name, extra, awsIdempotency)`.
 *
 * @throws ConfigError when IDEMPOTENCY_TABLE is not set.
 */
export function awsIdempotency(config: LambdaEnv): Runtime['once'] {
  const tableName = requireSetting(config, 'IDEMPOTENCY_TABLE');
  const client = new DynamoDBClient({ region: config.AWS_REGION });
  return (handler) => idempotent(handler, { client, tableName });
}
