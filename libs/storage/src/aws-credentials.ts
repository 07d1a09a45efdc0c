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
