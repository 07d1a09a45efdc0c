import { ApiError } from '../api/client';

/** What the tray says about an upload that did not simply go through. */
export const MESSAGES = {
  duplicate: 'Already in your library, so it was not uploaded again.',
  flagged: 'Held for review: only you can see it until it is released.',
  partFailed: (n: number, why: string) => `Part ${n} could not be sent (${why}). Retry continues with the parts not sent yet.`,
  stillProcessing: 'Still processing; it will appear in your library when ready.',
};

/** The most useful text an error carries: the API problem's detail, else its message. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error && error.message) return error.message;
  return 'unknown error';
}
