import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { withFileLock, type FileLockOptions } from './ingest-lock.js';

/** The state file's name, in the data directory (local server) or `$XDG_STATE_HOME/mediaflow`. */
export const INGEST_STATE_FILE = 'ingest-state.json';

/**
 * What identifies one file's upload: the server and owner it goes to, and the file as it was
 * (path, size, modification time and content hash). A file changed since is a new upload.
 */
export const IngestUploadKeySchema = z.object({
  baseUrl: z.string().min(1),
  owner: z.string().min(1),
  path: z.string().min(1),
  size: z.number().int().positive(),
  mtimeMs: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type IngestUploadKey = z.infer<typeof IngestUploadKeySchema>;

/** A multipart upload under way, and until when the server keeps its parts. */
export const IngestUploadEntrySchema = IngestUploadKeySchema.extend({
  id: z.string().min(1),
  uploadId: z.string().min(1),
  partSize: z.number().int().positive(),
  partCount: z.number().int().positive(),
  startedAt: z.iso.datetime({ offset: true }),
  resumableUntil: z.iso.datetime({ offset: true }),
});
export type IngestUploadEntry = z.infer<typeof IngestUploadEntrySchema>;

const IngestStateFileSchema = z.object({ version: z.literal(1), uploads: z.array(z.unknown()) });

/** True when both name the same file's upload to the same server and owner. */
export function sameUpload(a: IngestUploadKey, b: IngestUploadKey): boolean {
  return a.baseUrl === b.baseUrl && a.owner === b.owner && a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs && a.sha256 === b.sha256;
}

/** The entries whose parts the server may still hold at `now`. */
export function unexpired(entries: readonly IngestUploadEntry[], now: Date): IngestUploadEntry[] {
  return entries.filter((e) => Date.parse(e.resumableUntil) > now.getTime());
}

/**
 * Where the state file lives by default: in the local server's data directory when ingest talks
 * to it (private like the rest of it, and gone with it), else `$XDG_STATE_HOME/mediaflow`
 * (`~/.local/state/mediaflow` when that is unset or not absolute, as the XDG spec asks).
 *
 * @example
 * defaultIngestStatePath({ local: false, dataDir: '.mediaflow', env: {}, home: '/home/ana' });
 * // '/home/ana/.local/state/mediaflow/ingest-state.json'
 */
export function defaultIngestStatePath(options: { local: boolean; dataDir: string; env: NodeJS.ProcessEnv; home?: string }): string {
  if (options.local) return join(options.dataDir, INGEST_STATE_FILE);
  const xdg = options.env['XDG_STATE_HOME'];
  const base = xdg !== undefined && xdg.startsWith('/') ? xdg : join(options.home ?? homedir(), '.local', 'state');
  return join(base, 'mediaflow', INGEST_STATE_FILE);
}

/** The file operations an atomic write needs; tests pass failing ones. */
export interface AtomicWriteFs {
  writeFile(path: string, data: string, options: { mode: number; flag: string }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
}

const nodeFs: AtomicWriteFs = { writeFile, rename, rm };

/**
 * Replaces `file` with `text` in one step: written to a temp file beside it, then renamed over
 * it, so a reader (or the next run after a crash) sees the old content or the new, never a part.
 * The file is private to its owner (0600). On failure the temp file is removed and the old
 * content stays.
 */
export async function writeAtomically(file: string, text: string, fs: AtomicWriteFs = nodeFs): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, text, { mode: 0o600, flag: 'wx' });
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

export interface IngestStateOptions {
  /** Told once about a state file that cannot be read or written; ingest goes on without it. */
  warn: (message: string) => void;
  now?: () => Date;
  fs?: AtomicWriteFs;
  /** How the lock beside the file is waited for (tests shorten it). */
  lock?: FileLockOptions;
}

/**
 * The multipart uploads under way, kept in a JSON file so that a later run resumes them. Each
 * change reads the file again, applies itself and writes the file atomically; entries past their
 * `resumableUntil` are dropped on the way. A file that cannot be read as a state file is reported
 * and taken as empty, never fatal.
 *
 * Changes are applied one at a time: within a process by a queue, across processes (two ingest
 * runs at once) by a lock file beside the state file, held from the read to the rename, so that
 * no run writes back a copy that lacks another's entry. One file per entry would need no lock,
 * but `--state FILE` names one file, and one file is what a person inspects or deletes; readers
 * need no lock, as every write replaces the file whole.
 */
export class IngestState {
  private readonly now: () => Date;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly warned = new Set<string>();

  constructor(
    readonly file: string,
    private readonly options: IngestStateOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** The upload under way for this file, if one is recorded and not past its window. */
  async find(key: IngestUploadKey): Promise<IngestUploadEntry | undefined> {
    await this.queue;
    return (await this.read()).find((e) => sameUpload(e, key));
  }

  /** Records an upload, replacing any entry of the same file. False when it could not be written. */
  put(entry: IngestUploadEntry): Promise<boolean> {
    return this.change((entries) => [...entries.filter((e) => !sameUpload(e, entry)), entry]);
  }

  /** Forgets the upload of this file (completed, or no longer resumable). */
  remove(key: IngestUploadKey): Promise<boolean> {
    return this.change((entries) => entries.filter((e) => !sameUpload(e, key)));
  }

  /** Every recorded upload still within its window. */
  async entries(): Promise<IngestUploadEntry[]> {
    await this.queue;
    return this.read();
  }

  private change(apply: (entries: IngestUploadEntry[]) => IngestUploadEntry[]): Promise<boolean> {
    const next = this.queue.then(async () => {
      try {
        await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
        await withFileLock(
          `${this.file}.lock`,
          async () => {
            const after = apply(await this.read());
            await writeAtomically(this.file, `${JSON.stringify({ version: 1, uploads: after }, null, 2)}\n`, this.options.fs);
          },
          this.options.lock,
        );
        return true;
      } catch (error) {
        this.warnOnce('write', `cannot write the ingest state file ${this.file} (${(error as Error).message}); uploads cut off now start again next time`);
        return false;
      }
    });
    this.queue = next;
    return next;
  }

  private async read(): Promise<IngestUploadEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.warnOnce('read', `cannot read the ingest state file ${this.file} (${(error as Error).message}); nothing is resumed`);
      return [];
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.warnOnce('read', `the ingest state file ${this.file} is not valid JSON; it is ignored (nothing is resumed) and replaced on the next write`);
      return [];
    }
    const state = IngestStateFileSchema.safeParse(parsed);
    if (!state.success) {
      this.warnOnce('read', `the ingest state file ${this.file} is not a state file this version reads; it is ignored (nothing is resumed) and replaced on the next write`);
      return [];
    }
    const entries: IngestUploadEntry[] = [];
    let bad = 0;
    for (const raw of state.data.uploads) {
      const entry = IngestUploadEntrySchema.safeParse(raw);
      if (entry.success) entries.push(entry.data);
      else bad += 1;
    }
    if (bad > 0) this.warnOnce('entries', `the ingest state file ${this.file} has ${bad} unreadable entr${bad === 1 ? 'y' : 'ies'}; ${bad === 1 ? 'it is' : 'they are'} ignored`);
    return unexpired(entries, this.now());
  }

  private warnOnce(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.options.warn(message);
  }
}
