import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { buildCorpus, corpusCases, exiftoolRead, XSS_MARKER, type CorpusEntry, type Outcome } from '@mediaflow/corpus';
import type { ObjectStore } from '@mediaflow/domain';
import { SNIFF_BYTES } from '@mediaflow/media-service';
import { LocalConfigSchema } from './config.js';
import { startLocalStack, type LocalStack } from './stack.js';

// Every file of the hostile corpus (tools/corpus) goes through the real local stack over HTTP, as
// an uploader would send it, and each must end as its case says. The whole corpus is uploaded at
// once, so one file that hangs or poisons a queue shows up as other files never settling.
//
// This test lives with the CLI rather than in tools/corpus: it drives the app's composition root
// (`startLocalStack`), which only code inside the app may import, while the corpus is a library
// the app's tests may use.

jest.setTimeout(150_000);

const OWNER = 'corpus';
const SETTLE_MS = 75_000;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/**
 * The image size limit the stack runs with (the product's default is 200 MiB): the corpus's
 * oversized image is made a few MiB over it, and a file that size is cheap to make and upload.
 */
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
/** What a rendition may be served as: media, playlists and JSON; never a page, a script or markup. */
const SAFE_RENDITION_TYPE = /^(image\/(webp|avif|jpeg|png|gif)|video\/(mp4|mp2t)|audio\/(mp4|ogg)|application\/(vnd\.apple\.mpegurl|json))(;\s*[\w-]+=[\w-]+)*$/;
/** Characters a shown name must not hold: path separators, controls, bidi overrides, markup. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE_NAME_CHARS = /[/\\\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069<>"]/u;

/**
 * How ffmpeg names itself in what it writes: `Lavc59.37.100` (encoders: a JPEG comment, AAC's fill
 * element), `Lavf59.27.100` (muxers: MP4 `©too`, the Ogg vendor), `ffmpeg` and `FFmpeg` (the Ogg
 * vendor of a bit-exact run, the MPEG-TS service provider). Looked for in every byte: x264's own
 * version string, which every H.264 stream carries in its SEI, names none of them.
 */
const FFMPEG_NAME = /Lavc|Lavf|Lavu|ffmpeg|libav/i;
/** In a tag, the encoders' own names as well (an MP4 track's compressor name reads `Lavc59.37.100 libx264`). */
const TOOL_NAME = new RegExp(`${FFMPEG_NAME.source}|x264|x265|libvpx|libopus`, 'i');
/**
 * ExifTool groups (`-G1`) that describe how a file is built (brands, tracks, codecs, sizes,
 * durations), not what it shows or who made it; `System` and `ExifTool` describe the copy on disk.
 */
const STRUCTURAL_GROUPS = /^(System|ExifTool|File|JFIF|QuickTime|Track\d+|Meta|RIFF|M2TS|Opus|Composite)$/;
/** Formats ExifTool reads tags from: all but the playlists and the waveform, which are text. */
const TAGGED_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'jpg', 'webp', 'avif', 'png', 'gif', 'mp4', 'm4a', 'opus', 'ts', 'webm', 'mp3', 'wav', 'flac']);
/** Formats ffprobe reads as media. */
const PROBED_FORMATS: ReadonlySet<string> = new Set(['mp4', 'm4a', 'opus', 'ts', 'webm', 'mp3', 'wav', 'flac']);
/** ffprobe tags every MP4 has (the brand box, each track's language, handler and vendor): structure, not content. */
const STRUCTURAL_PROBE_TAGS: ReadonlySet<string> = new Set(['major_brand', 'minor_version', 'compatible_brands', 'language', 'handler_name', 'vendor_id']);
/** An MPEG-TS segment must describe its service; the product names itself there, never the muxer or a title. */
const SERVICE_TAGS: Readonly<Record<string, string>> = { service_name: 'Mediaflow', service_provider: 'Mediaflow' };

type ProbeTags = Record<string, string> | undefined;

interface View {
  id: string;
  kind: string;
  status: string;
  filename: string;
  renditions: { name: string; format: string; url: string }[];
  failure: { code: string; reason: string; stage?: string } | null;
}

interface Observed {
  outcome: Outcome | 'stuck';
  /** Set when the API refused the upload itself. */
  refusal?: { status: number; type: string | null; detail: string };
  item?: View;
  /** The item's JSON exactly as served, with its content type and nosniff header. */
  raw?: string;
  served?: { type: string | null; nosniff: string | null };
}

const cases = corpusCases();
const run = promisify(execFile);

let work: string;
let dataDir: string;
let stack: LocalStack;
let entries: CorpusEntry[];
const observed = new Map<string, Observed>();
/** Bytes of each stored object that the server read back, by key (see `countReads`). */
const bytesRead = new Map<string, number>();
const errors: Record<string, unknown>[] = [];
/** Reads the renditions' tags back; one process for every read (the corpus ends its own writer). */
const exiftool = new ExifTool();

// The canaries: a server every hostile URL points at, a secret file every hostile path names, and
// the file a PostScript payload would create. None may be touched.
let canary: Server;
const canaryHits: string[] = [];
let canaryConnections = 0;
let canaryFile: string;
let tripwireFile: string;
let canaryAtimeMs: number;
const SECRET = `mf-canary-${randomUUID()}`;

const auth = (): Record<string, string> => ({ authorization: `Bearer ${stack.tokens.issue(OWNER)}` });
const get = (path: string, headers: Record<string, string> = {}): Promise<Response> => fetch(`${stack.url}${path}`, { headers: { ...auth(), ...headers } });

function entry(name: string): CorpusEntry {
  const found = entries.find((e) => e.name === name);
  if (!found) throw new Error(`no corpus entry ${name}`);
  return found;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (e.isFile()) out.push(join(e.parentPath, e.name));
  }
  return out;
}

interface Started {
  status: number;
  type: string | null;
  body: { id: string; detail?: string; upload?: { url: string; headers: Record<string, string> } };
}

/** POST /uploads: the item and the presigned URL its bytes go to. */
async function startUpload(filename: string, size: number): Promise<Started> {
  const res = await fetch(`${stack.url}/api/v1/uploads`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify({ filename, size }),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Started['body'] };
}

/** PUT the bytes to the presigned URL, as a client does. */
function putBytes(started: Started, bytes: Uint8Array): Promise<Response> {
  return fetch(started.body.upload?.url ?? '', { method: 'PUT', headers: started.body.upload?.headers ?? {}, body: bytes });
}

/** POST /uploads then PUT the bytes, as a client does; a 4xx on either is the API refusing the file. */
async function upload(e: CorpusEntry): Promise<Observed | string> {
  const bytes = await readFile(e.file);
  const started = await startUpload(e.uploadName, bytes.length);
  if (started.status !== 201) return { outcome: 'rejected', refusal: { status: started.status, type: started.type, detail: started.body.detail ?? '' } };
  const put = await putBytes(started, bytes);
  if (put.status !== 200) return { outcome: 'rejected', refusal: { status: put.status, type: put.headers.get('content-type'), detail: await put.text() } };
  return started.body.id;
}

/**
 * Counts the bytes every reader of the stack's store (ingest, the pipelines, downloads) pulls from
 * each object. The server holds no more of an object than it reads, so what an upload cost in
 * memory is bounded by this count.
 */
function countReads(store: ObjectStore): void {
  const get = store.get.bind(store);
  jest.spyOn(store, 'get').mockImplementation(async (key, range) => {
    const got = await get(key, range);
    const body = got.body;
    async function* counted(): AsyncIterable<Uint8Array> {
      for await (const chunk of body) {
        bytesRead.set(key, (bytesRead.get(key) ?? 0) + chunk.byteLength);
        yield chunk;
      }
    }
    return { ...got, body: counted() };
  });
}

/**
 * What in a file tells who wrote it or what it shows: ffmpeg's names anywhere in its bytes; tags
 * ExifTool reads outside the structural groups, comments, and tools named in any tag; tags ffprobe
 * reads beyond the structural ones (MPEG-TS only when the build reads it, as the product decides),
 * and chapters. Empty for a clean file. `format` is the file's extension.
 */
async function identifyingMetadata(file: string, format: string): Promise<string[]> {
  const findings: string[] = [];
  const text = (await readFile(file)).toString('latin1');
  for (const match of text.matchAll(new RegExp(FFMPEG_NAME.source, 'gi'))) findings.push(`bytes ${text.slice(Math.max(0, match.index - 8), match.index + 24).replace(/[^\x20-\x7e]/g, '.')}`);
  if (TAGGED_FORMATS.has(format)) {
    for (const [key, value] of Object.entries(await exiftoolRead(exiftool, file))) {
      const [group = '', name = ''] = key.split(':');
      const shown = String(value).trim();
      if (key === 'SourceFile' || shown === '' || group === 'System' || group === 'ExifTool') continue;
      if (!STRUCTURAL_GROUPS.test(group) || /comment/i.test(name) || TOOL_NAME.test(shown)) findings.push(`tag ${key}=${shown.slice(0, 60)}`);
    }
  }
  const tools = stack.mediaTools;
  if (tools && PROBED_FORMATS.has(format) && (format !== 'ts' || tools.features.mpegts)) {
    const args = ['-v', 'error', '-of', 'json', '-show_format', '-show_streams', '-show_programs', '-show_chapters', '-protocol_whitelist', 'file', `file:${file}`];
    const probed = JSON.parse((await run(tools.ffprobe, args)).stdout) as {
      format?: { tags?: ProbeTags };
      streams?: { index?: number; tags?: ProbeTags }[];
      programs?: { program_id?: number; tags?: ProbeTags }[];
      chapters?: unknown[];
    };
    const tagged = (where: string, tags: ProbeTags): string[] =>
      Object.entries(tags ?? {})
        .filter(([key, value]) => (STRUCTURAL_PROBE_TAGS.has(key) ? TOOL_NAME.test(value) : SERVICE_TAGS[key] !== value))
        .map(([key, value]) => `ffprobe ${where} tag ${key}=${value.slice(0, 60)}`);
    findings.push(...tagged('format', probed.format?.tags));
    for (const stream of probed.streams ?? []) findings.push(...tagged(`stream ${stream.index ?? '?'}`, stream.tags));
    for (const program of probed.programs ?? []) findings.push(...tagged(`program ${program.program_id ?? '?'}`, program.tags));
    if ((probed.chapters ?? []).length > 0) findings.push(`ffprobe ${probed.chapters?.length} chapters`);
  }
  return findings;
}

/** Runs `use` on a copy of a served rendition in a file named for its format, removed afterwards. */
async function asFile<T>(id: string, rendition: { url: string; format: string; bytes: Buffer }, use: (file: string) => Promise<T>): Promise<T> {
  const file = join(work, `check-${id}-${createHash('sha256').update(rendition.url).digest('hex').slice(0, 8)}.${rendition.format}`);
  await writeFile(file, rendition.bytes);
  try {
    return await use(file);
  } finally {
    await rm(file);
  }
}

/** Polls an item until it settles (ready, failed or flagged), or returns it as it stands after `SETTLE_MS`. */
async function settled(id: string): Promise<View> {
  const end = Date.now() + SETTLE_MS;
  for (;;) {
    const item = (await (await get(`/api/v1/media/${id}`)).json()) as View;
    if (['ready', 'failed', 'flagged'].includes(item.status) || Date.now() > end) return item;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function outcomeOf(item: View): Outcome {
  if (item.status === 'ready') return 'ready';
  // Refused by ingest sniffing: the bytes never reached a pipeline.
  return item.failure?.stage === 'ingest' ? 'rejected' : 'failed';
}

async function uploadAndSettle(list: readonly CorpusEntry[]): Promise<void> {
  const pending = new Map<string, string>();
  for (const e of list) {
    const result = await upload(e);
    if (typeof result === 'string') pending.set(e.name, result);
    else observed.set(e.name, result);
  }
  const end = Date.now() + SETTLE_MS;
  while (pending.size > 0 && Date.now() < end) {
    for (const [name, id] of pending) {
      const res = await get(`/api/v1/media/${id}`);
      const raw = await res.text();
      const item = JSON.parse(raw) as View;
      if (['ready', 'failed', 'flagged'].includes(item.status)) {
        const served = { type: res.headers.get('content-type'), nosniff: res.headers.get('x-content-type-options') };
        observed.set(name, { outcome: outcomeOf(item), item, raw, served });
        pending.delete(name);
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const [name, id] of pending) {
    const raw = await (await get(`/api/v1/media/${id}`)).text();
    observed.set(name, { outcome: 'stuck', item: JSON.parse(raw) as View, raw });
  }
}

/** A served object's bytes after checking it can only ever be a download or media, never a page. */
async function fetchRendition(url: string): Promise<{ bytes: Buffer; type: string }> {
  const res = await get(url);
  expect({ url, status: res.status }).toEqual({ url, status: 200 });
  const type = res.headers.get('content-type') ?? '';
  expect({ url, type }).toEqual({ url, type: expect.stringMatching(SAFE_RENDITION_TYPE) });
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-security-policy')).toContain('sandbox');
  return { bytes: Buffer.from(await res.arrayBuffer()), type };
}

/** Every rendition of an item, with the playlists' variants and segments (stored, not listed). */
async function servedRenditions(item: View): Promise<{ url: string; format: string; bytes: Buffer }[]> {
  const out: { url: string; format: string; bytes: Buffer }[] = [];
  const seen = new Set<string>();
  const visit = async (url: string, format: string): Promise<void> => {
    if (seen.has(url)) return;
    seen.add(url);
    const { bytes } = await fetchRendition(url);
    out.push({ url, format, bytes });
    if (format !== 'm3u8') return;
    const base = new URL(url, stack.url);
    for (const line of bytes.toString('utf8').split('\n').map((l) => l.trim())) {
      if (line === '' || line.startsWith('#')) continue;
      const child = new URL(line, base);
      // A playlist that points off this server (or at a file) would be the product's own SSRF.
      expect(child.origin).toBe(new URL(stack.url).origin);
      await visit(child.pathname, child.pathname.endsWith('.m3u8') ? 'm3u8' : 'ts');
    }
  };
  for (const r of item.renditions) await visit(r.url, r.format);
  return out;
}

/** The original, as a download: opaque bytes, a safe attachment name, exactly what was uploaded. */
async function checkOriginal(e: CorpusEntry, item: View): Promise<void> {
  const res = await get(`/media/originals/${OWNER}/${item.id}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/octet-stream');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%!'()*._~-]*$/);
  const served = createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex');
  expect(served).toBe(createHash('sha256').update(await readFile(e.file)).digest('hex'));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mf-corpus-stack-'));
  dataDir = join(work, 'data');
  const outside = join(work, 'outside');
  await mkdir(outside);
  canaryFile = join(outside, 'secret.txt');
  tripwireFile = join(outside, 'tripwire');
  await writeFile(canaryFile, `${SECRET}\n`);
  // An access time older than the modification time: on relatime and strictatime mounts, any read
  // of the file from now on moves it (a read that finds it newer is the only one that may not).
  await utimes(canaryFile, new Date('2001-01-01T00:00:00Z'), new Date());
  canaryAtimeMs = (await stat(canaryFile)).atimeMs;

  canary = createServer((req, res) => {
    canaryHits.push(`${req.method} ${req.url}`);
    res.end(SECRET);
  });
  canary.on('connection', () => {
    canaryConnections += 1;
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  const canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/`;

  entries = await buildCorpus(join(work, 'corpus'), { canaryUrl, canaryFile, tripwireFile, maxImageBytes: MAX_IMAGE_BYTES });
  stack = await startLocalStack(
    // The media tools are chosen as `serve` chooses them: a current ffmpeg on PATH when there is one.
    LocalConfigSchema.parse({
      port: 0,
      dataDir,
      tagger: 'off',
      retryBaseSeconds: 0.2,
      pollSeconds: 0.1,
      imageConcurrency: 2,
      toolSearchPath: process.env['PATH'],
      maxImageBytes: MAX_IMAGE_BYTES,
    }),
    (logged) => {
      if (logged['level'] === 'error') errors.push(logged);
    },
  );
  countReads(stack.deps.store);
  await uploadAndSettle(entries);
});

afterAll(async () => {
  // `MEDIAFLOW_CORPUS_REPORT=file.md` keeps the table of what each case was expected to do and did.
  const report = process.env['MEDIAFLOW_CORPUS_REPORT'];
  if (report && entries) {
    const rows = entries.map((e) => {
      const o = observed.get(e.name);
      const seen = o?.refusal ? `rejected (HTTP ${o.refusal.status})` : o?.item?.failure?.stage === 'ingest' ? 'rejected (ingest)' : o ? `${o.outcome}${o.item?.failure ? ` (${o.item.failure.stage})` : ''}` : 'not run';
      const reason = (o?.refusal?.detail ?? o?.item?.failure?.reason ?? '').replace(/\|/g, '\\|');
      return `| ${e.name} | ${e.expect.outcome}${e.expect.kind ? ` ${e.expect.kind}` : ''} | ${seen}${o?.item ? ` ${o.item.kind}` : ''} | ${reason} |`;
    });
    await writeFile(report, ['| case | expected | observed | reason |', '| --- | --- | --- | --- |', ...rows, ''].join('\n'));
  }
  jest.restoreAllMocks();
  await stack?.stop();
  await exiftool.end();
  await new Promise<void>((resolve) => (canary ? canary.close(() => resolve()) : resolve()));
  await rm(work, { recursive: true, force: true });
});

describe('the corpus through the local stack', () => {
  it.each(cases.map((c) => [c.name, c.why] as const))('%s (%s)', async (name) => {
    const e = entry(name);
    const o = observed.get(name);
    if (!o) throw new Error(`${name} was never uploaded`);
    const reason = o.refusal?.detail ?? o.item?.failure?.reason ?? null;
    expect({ name, outcome: o.outcome, kind: e.expect.kind === undefined ? undefined : o.item?.kind, reason }).toEqual({
      name,
      outcome: e.expect.outcome,
      kind: e.expect.kind,
      reason: e.expect.reasonMatches ? expect.stringMatching(e.expect.reasonMatches) : o.outcome === 'ready' ? null : expect.any(String),
    });
    if (e.expect.failureCode !== undefined) expect({ name, code: o.item?.failure?.code }).toEqual({ name, code: e.expect.failureCode });

    if (o.refusal) {
      // Refused by the API: a 4xx with a problem document saying why.
      expect(o.refusal.status).toBeGreaterThanOrEqual(400);
      expect(o.refusal.status).toBeLessThan(500);
      expect(o.refusal.type).toContain('application/problem+json');
      return;
    }
    const item = o.item as View;

    // Names and tags are data inside JSON that is never sniffed as a page (metadata may hold markup,
    // e.g. an ID3 title; the gallery escapes it), and the shown name is stripped of anything that
    // could act as a path or markup wherever it is shown.
    expect(o.served).toEqual({ type: expect.stringMatching(/^application\/json\b/), nosniff: 'nosniff' });
    expect(JSON.parse(o.raw ?? '')).toEqual(expect.objectContaining({ id: item.id, filename: item.filename }));
    expect(item.filename).not.toMatch(UNSAFE_NAME_CHARS);
    expect([...item.filename].length).toBeLessThanOrEqual(200);
    if (e.expect.filename !== undefined) expect(item.filename).toEqual(typeof e.expect.filename === 'string' ? e.expect.filename : expect.stringMatching(e.expect.filename));

    const original = await stack.deps.store.head(`originals/${OWNER}/${item.id}`);
    if (o.outcome === 'rejected') {
      // Ingest refused it (sniffing or a size limit): the item says why, nothing of it is kept or
      // served, and no more than its first bytes were ever read back, so a file of any size costs
      // the server a sniffing window of memory, never its size.
      expect(item.status).toBe('failed');
      expect(bytesRead.get(`originals/${OWNER}/${item.id}`) ?? 0).toBeLessThanOrEqual(SNIFF_BYTES);
      expect(original).toBeUndefined();
      expect((await get(`/media/originals/${OWNER}/${item.id}`)).status).toBe(404);
      expect(item.renditions).toEqual([]);
      return;
    }
    const readByServer = bytesRead.get(`originals/${OWNER}/${item.id}`) ?? 0;
    await checkOriginal(e, item);
    if (o.outcome === 'ready' && ['image', 'video', 'audio'].includes(item.kind)) {
      // Its pipeline read it whole and the count saw every byte: the bound on refused files above
      // holds because they were not read, not because reads went uncounted.
      expect(readByServer).toBeGreaterThanOrEqual(e.bytes);
    }
    if (o.outcome === 'failed') {
      // Refused by its pipeline for what it is, not retried into the dead-letter queue.
      expect(['corrupt', 'unsupported', 'limit_exceeded']).toContain(item.failure?.code);
      expect(item.renditions).toEqual([]);
      expect(await filesUnder(join(dataDir, 'objects', 'renditions', OWNER, item.id))).toEqual([]);
      return;
    }

    const served = await servedRenditions(item);
    if (item.kind === 'document' || item.kind === 'other') {
      // Kept as an opaque attachment: never opened, so nothing is made from it.
      expect(served).toEqual([]);
    } else {
      expect(served.length).toBeGreaterThan(0);
    }
    for (const r of served) {
      for (const needle of [...(e.expect.mustNotContain ?? []), SECRET]) {
        expect({ url: r.url, contains: needle, found: r.bytes.includes(needle, 0, 'latin1') }).toEqual({ url: r.url, contains: needle, found: false });
      }
    }
    // Every rendition the tools read: images, posters, thumbnails and covers, the MP4 preview, HLS
    // segments and playlists, audio previews and the waveform.
    for (const r of served) {
      await asFile(item.id, r, async (file) => {
        if (e.expect.noLocation && TAGGED_FORMATS.has(r.format)) {
          const tags = await exiftoolRead(exiftool, file);
          expect({ url: r.url, location: Object.keys(tags).filter((k) => /GPS|Location|loci/i.test(k)) }).toEqual({ url: r.url, location: [] });
        }
        if (e.expect.metadataFree) expect({ url: r.url, identifying: await identifyingMetadata(file, r.format) }).toEqual({ url: r.url, identifying: [] });
      });
    }
    if (e.expect.metadataFree) {
      // Each kind the pipeline makes was among them, so none went unchecked.
      const formats = new Set(served.map((r) => r.format));
      const made = item.kind === 'video' ? ['m3u8', 'ts', 'mp4', 'jpeg'] : item.kind === 'audio' ? ['m4a', 'opus', 'json'] : ['webp', 'jpeg'];
      expect({ name, formats: made.filter((f) => formats.has(f)) }).toEqual({ name, formats: made });
    }
  });

  it('finds, in the files the metadata-free renditions come from, the tags and tool names the renditions must not carry', async () => {
    // The same check that finds nothing in their renditions, so that its silence there means something.
    for (const e of entries.filter((c) => c.expect.metadataFree)) {
      const format = extname(e.file).slice(1);
      const found = await identifyingMetadata(e.file, format);
      const madeByFfmpeg = e.expect.kind === 'video' || e.expect.kind === 'audio';
      expect({
        name: e.name,
        tags: found.some((f) => f.startsWith('tag ')),
        probed: found.some((f) => f.startsWith('ffprobe ')),
        bytes: found.some((f) => f.startsWith('bytes ')),
      }).toEqual({ name: e.name, tags: true, probed: PROBED_FORMATS.has(format), bytes: madeByFfmpeg });
    }
  });

  it('settles every upload: nothing stuck, no job dead-lettered, no server error, no scratch left', async () => {
    expect([...observed].filter(([, o]) => o.outcome === 'stuck').map(([name, o]) => `${name}: ${o.item?.status}`)).toEqual([]);
    expect(errors).toEqual([]);
    for (const d of stack.definitions) expect({ queue: d.deadLetter, depth: await stack.broker.queue(d.deadLetter).depth() }).toEqual({ queue: d.deadLetter, depth: { visible: 0, inFlight: 0, delayed: 0 } });
    expect(await readdir(join(dataDir, 'scratch')).catch(() => [])).toEqual([]);
  });

  it('never fetches a URL or reads a file that an upload names', async () => {
    expect(canaryHits).toEqual([]);
    expect(canaryConnections).toBe(0);
    expect((await stat(canaryFile)).atimeMs).toBe(canaryAtimeMs);
    // The access time only proves something where reads move it (not on a noatime mount): a twin
    // set up the same way and read once must show the read.
    const twin = join(work, 'outside', 'twin.txt');
    await writeFile(twin, SECRET);
    await utimes(twin, new Date('2001-01-01T00:00:00Z'), new Date());
    const before = (await stat(twin)).atimeMs;
    await readFile(twin);
    expect((await stat(twin)).atimeMs).toBeGreaterThan(before);
    await rm(twin);
    await expect(stat(tripwireFile)).rejects.toThrow(/ENOENT/);
    for (const file of await filesUnder(dataDir)) expect({ file, leaked: (await readFile(file)).includes(SECRET) }).toEqual({ file, leaked: false });
  });

  it('extracts nothing and writes nothing outside the data directory', async () => {
    expect((await readdir(work)).sort()).toEqual(['corpus', 'data', 'outside']);
    expect(await readdir(join(work, 'outside'))).toEqual(['secret.txt']);
    expect((await filesUnder(work)).filter((f) => f.endsWith('corpus-zip-slip.sh') || f.endsWith('zeros.bin') || f.endsWith('layer-1.zip'))).toEqual([]);
    expect((await readdir(join(dataDir, 'objects'))).filter((name) => !name.startsWith('.')).sort()).toEqual(['originals', 'renditions']);
  });

  it('stores every kept original under a generated key, never under its name', async () => {
    const kept = [...observed.values()].filter((o) => o.outcome === 'ready' || o.outcome === 'failed').map((o) => o.item?.id);
    expect(kept.every((id) => id !== undefined && ULID.test(id))).toBe(true);
    expect((await readdir(join(dataDir, 'objects', 'originals'))).sort()).toEqual([OWNER]);
    expect((await readdir(join(dataDir, 'objects', 'originals', OWNER))).sort()).toEqual([...kept].sort());
  });

  it('still takes an ordinary photo to ready after the whole corpus', async () => {
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 12, g: 160, b: 90 } } }).jpeg().toBuffer();
    const file = join(work, 'corpus', 'after.jpg');
    await writeFile(file, photo);
    await uploadAndSettle([{ ...entry('valid/jpeg'), name: 'after', file, uploadName: 'after.jpg', bytes: photo.length }]);
    expect([observed.get('after')?.outcome, observed.get('after')?.item?.kind]).toEqual(['ready', 'image']);
  });

  it('refuses a second PUT to an upload URL once its item is ready, and keeps serving the first bytes', async () => {
    const first = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 140 } } }).jpeg().toBuffer();
    const started = await startUpload('replayed.jpg', first.length);
    expect(started.status).toBe(201);
    expect((await putBytes(started, first)).status).toBe(200);
    const ready = await settled(started.body.id);
    expect(ready.status).toBe('ready');

    // Other bytes of the signed length: a page that would run if the download were ever served as one.
    const page = Buffer.from(`<html><body><script>alert("${XSS_MARKER}")</script></body></html>`);
    const second = Buffer.concat([page, Buffer.alloc(first.length - page.length, 0x20)]);
    expect(second.length).toBe(first.length);
    const replay = await putBytes(started, second);
    expect(replay.status).toBe(409);
    expect(replay.headers.get('content-type')).toContain('application/problem+json');

    const download = await get(`/media/originals/${OWNER}/${ready.id}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(first)).toBe(true);
    // Nothing was ingested or processed again: the item is as it was.
    const after = (await (await get(`/api/v1/media/${ready.id}`)).json()) as View;
    expect({ status: after.status, renditions: after.renditions }).toEqual({ status: 'ready', renditions: ready.renditions });
    expect(errors).toEqual([]);
  });
});
