/** SHA-256 in the browser for files small enough to read at once; larger ones are hashed at ingest. */
export async function sha256Hex(file: Blob, maxBytes = 32 * 1024 * 1024): Promise<string | undefined> {
  if (file.size > maxBytes || typeof crypto === 'undefined' || !crypto.subtle) return undefined;
  try {
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    return undefined;
  }
}
