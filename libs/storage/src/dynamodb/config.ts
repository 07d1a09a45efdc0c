import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { AWS_RETRY, sdkCredentials, StaticCredentialsSchema } from '../aws-credentials.js';

/**
 * Where the media table is and how hard a list call may work. Parsed once by the composition
 * root (from the environment), so the repository never reads `process.env` itself.
 *
 * @example
 * const repo = new DynamoMediaRepository(DynamoMediaRepositoryConfigSchema.parse({ tableName: env.MEDIA_TABLE }));
 */
export const DynamoMediaRepositoryConfigSchema = z.object({
  /** DynamoDB's own rule for table names. */
  tableName: z
    .string()
    .min(3)
    .max(255)
    .regex(/^[A-Za-z0-9_.-]+$/),
  region: z.string().min(1).default('us-east-1'),
  /** A DynamoDB-compatible endpoint (an emulator in tests); AWS's own when omitted. */
  endpoint: z.url().optional(),
  /** Static credentials (emulators); the SDK's default provider chain (the Lambda role) when omitted. */
  credentials: StaticCredentialsSchema.optional(),
  /**
   * The most Query requests one `list` call makes while filters drop items. When it is reached the
   * page comes back short (even empty) with a cursor, so a rare filter over a large library costs
   * bounded time and reads per call instead of one unbounded scan of the owner's partition.
   */
  maxQueriesPerList: z.number().int().min(1).max(100).default(8),
});
export type DynamoMediaRepositoryConfig = z.infer<typeof DynamoMediaRepositoryConfigSchema>;
export type DynamoMediaRepositoryConfigInput = z.input<typeof DynamoMediaRepositoryConfigSchema>;


/** A client for the table's region and endpoint, with the adapters' retries. */
export function createDynamoClient(config: Pick<DynamoMediaRepositoryConfig, 'region' | 'endpoint' | 'credentials'>): DynamoDBClient {
  return new DynamoDBClient({
    ...AWS_RETRY,
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: sdkCredentials(config.credentials) }),
  });
}
