/** SHA-256 in the browser for files small enough to read at once; larger ones are hashed at ingest. */
export async function sha256Hex(file: Blob, maxBytes = 32 * 1024 * 1024): Promise<string | undefined> {
  if (file.size > maxBytes || typeof crypto === 'undefined' || !crypto.subtle) return undefined;
  try {
    return await sha256OfBlob(file);
  } catch {
    return undefined;
  }
}

/** SHA-256 (hex) of a blob of any size the page can read at once, such as one part of a file. */
export async function sha256OfBlob(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
