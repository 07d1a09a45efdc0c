import { ApiError } from '../api/client';

/** What the tray says about an upload that did not simply go through. */
export const MESSAGES = {
  duplicate: 'Already in your library, so it was not uploaded again.',
  flagged: 'Held for review: only you can see it until it is released.',
  partFailed: (n: number, why: string) => `Part ${n} could not be sent (${why}). Retry continues with the parts not sent yet.`,
  stillProcessing: 'Still processing; it will appear in your library when ready.',
  /** The tray's line for an upload a reload interrupted. */
  interrupted: (percent: number | null) => `${percent === null ? 'Partly' : `${percent}%`} sent \u2014 choose the same file to resume`,
  checkingFile: 'Checking the file\u2026',
  otherSize: (name: string, size: string) => `That is not the same file: \u201c${name}\u201d was ${size}. Choose that file to resume it.`,
  otherContent: (name: string) => `That is not the same file, or it changed since the upload began: its content differs from \u201c${name}\u201d. Choose that file, unchanged, to resume it.`,
  otherModified: (name: string) => `That is not the same file, or it changed since the upload began: its date modified differs from \u201c${name}\u201d. Choose that file, unchanged, to resume it.`,
  expired: 'It can no longer be resumed: what was sent is kept for a day only. Upload the file again.',
  goneOnServer: 'It can no longer be resumed: the server no longer has what was sent. Upload the file again.',
  restartedFresh: 'The interrupted upload could no longer be resumed, so this file is sent again from the start.',
  discardFailed: (why: string) => `Could not discard it: ${why}`,
};

/** The most useful text an error carries: the API problem's detail, else its message. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error && error.message) return error.message;
  return 'unknown error';
}
