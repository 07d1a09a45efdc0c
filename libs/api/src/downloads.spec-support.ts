import { execFileSync } from 'node:child_process';

// Test support for the download specs (excluded from the library build as `*.spec-support.ts`).

/** What Python's `zipfile` reads of one entry, reading it whole (which checks its CRC-32). */
export interface UnzippedEntry {
  name: string;
  size: number;
  sha256: string;
  /** The bytes, base64, for entries up to `inlineBytes`. */
  data: string | null;
}

const READER = `
import base64, hashlib, json, sys, zipfile
inline = int(sys.argv[2])
with zipfile.ZipFile(sys.argv[1]) as archive:
    out = []
    for info in archive.infolist():
        digest = hashlib.sha256()
        kept = []
        with archive.open(info) as entry:
            for chunk in iter(lambda: entry.read(1 << 20), b''):
                digest.update(chunk)
                if info.file_size <= inline:
                    kept.append(chunk)
        data = base64.b64encode(b''.join(kept)).decode() if info.file_size <= inline else None
        out.append({'name': info.filename, 'size': info.file_size, 'sha256': digest.hexdigest(), 'data': data})
    print(json.dumps(out))
`;

/**
 * The entries of the zip file at `path` as Python's `zipfile` (a reader independent of ours) reads
 * them, in archive order; the bytes of entries up to `inlineBytes` are kept.
 */
export function unzipWithPython(path: string, inlineBytes = 1024 * 1024): UnzippedEntry[] {
  return JSON.parse(execFileSync('python3', ['-c', READER, path, String(inlineBytes)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as UnzippedEntry[];
}
