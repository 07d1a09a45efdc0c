import { z } from 'zod';

/** Static credentials (emulators); the SDK's default provider chain (the Lambda role) when omitted. */
export const StaticCredentialsSchema = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1).optional(),
});
export type StaticCredentials = z.infer<typeof StaticCredentialsSchema>;

/** Static credentials in the SDK's shape (which has no room for an explicit `undefined`). */
export function sdkCredentials(credentials: StaticCredentials): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  const { accessKeyId, secretAccessKey, sessionToken } = credentials;
  return sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken };
}

/**
 * How the adapters' SDK clients retry. AWS's adaptive mode is its standard strategy (exponential
 * backoff with full jitter, only for throttling, 5xx and transient network errors) plus a
 * client-side token bucket that slows the client down while the service keeps throttling, so a
 * burst of workers backs off together instead of spending its attempts at once. Six attempts
 * (the SDK's default is three) ride out a throttled partition for a few seconds; what still fails
 * is thrown, and the queue's redelivery is the next layer of retries.
 */
export const AWS_RETRY = { maxAttempts: 6, retryMode: 'adaptive' } as const;
