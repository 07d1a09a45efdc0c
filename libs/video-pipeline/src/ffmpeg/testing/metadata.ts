import { readFile } from 'node:fs/promises';
import type { FfmpegBuild } from '../build.js';
import { runTool } from '../run.js';

/**
 * How ffmpeg names itself in what it writes: `Lavc59.37.100` (encoders: the JPEG comment, AAC's
 * fill element), `Lavf59.27.100` (muxers: MP4 `©too`, the Ogg vendor), `ffmpeg` (the Ogg vendor of
 * a bit-exact run), `FFmpeg` (the MPEG-TS service provider).
 */
const SELF_NAME = /Lavc|Lavf|Lavu|ffmpeg|libav/i;

/**
 * Tags that describe the file's structure, not its content or its maker: the MP4 brand box, the
 * track language and the handler and vendor fields every MP4 track has.
 */
const STRUCTURAL_TAGS: ReadonlySet<string> = new Set(['major_brand', 'minor_version', 'compatible_brands', 'language', 'handler_name', 'vendor_id']);

/** Files that are not media to ffprobe: playlists and JSON are text, PCM has no container. */
const NOT_MEDIA = /\.(m3u8|json|s16le)$/;

/** The MPEG-TS service description cannot be left out; it names the product, never a title or the muxer. */
const SERVICE_TAGS: Readonly<Record<string, string>> = { service_name: 'Mediaflow', service_provider: 'Mediaflow' };

type Tags = Record<string, string> | undefined;

interface ProbeJson {
  format?: { tags?: Tags };
  streams?: { index?: number; tags?: Tags }[];
  programs?: { program_id?: number; tags?: Tags }[];
  chapters?: unknown[];
}

/**
 * Everything in a written file that tells who wrote it or describes its content: tags ffprobe
 * reads (format, streams, programs, chapters), JPEG comment and application segments, and any
 * place in the bytes where ffmpeg names itself. Empty for a clean file.
 *
 * Media files are read by ffprobe (MPEG-TS only when the build reads it safely, `features.mpegts`),
 * and every file's bytes are searched.
 *
 * @example
 * expect(await identifyingMetadata('/out/poster.jpeg', tools)).toEqual([]);
 */
export async function identifyingMetadata(path: string, tools: FfmpegBuild): Promise<string[]> {
  const bytes = await readFile(path);
  const findings: string[] = [];
  const text = bytes.toString('latin1');
  for (const match of text.matchAll(new RegExp(SELF_NAME.source, 'gi'))) {
    const at = match.index;
    findings.push(`bytes at ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 8), at + 24))}`);
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) findings.push(...jpegSegments(bytes));
  if (NOT_MEDIA.test(path) || (path.endsWith('.ts') && !tools.features.mpegts)) return findings;

  const { stdout } = await runTool(
    tools.ffprobe,
    ['-v', 'error', '-of', 'json', '-show_format', '-show_streams', '-show_programs', '-show_chapters', '-protocol_whitelist', 'file', `file:${path}`],
    { timeoutMs: 30_000, label: 'ffprobe (metadata)' },
  );
  const json = JSON.parse(stdout) as ProbeJson;
  const tagFindings = (where: string, tags: Tags): string[] =>
    Object.entries(tags ?? {})
      .filter(([key, value]) => (STRUCTURAL_TAGS.has(key) ? SELF_NAME.test(value) : SERVICE_TAGS[key] !== value))
      .map(([key, value]) => `${where} tag ${key}=${value}`);
  findings.push(...tagFindings('format', json.format?.tags));
  for (const stream of json.streams ?? []) findings.push(...tagFindings(`stream ${stream.index ?? '?'}`, stream.tags));
  for (const program of json.programs ?? []) findings.push(...tagFindings(`program ${program.program_id ?? '?'}`, program.tags));
  if ((json.chapters ?? []).length > 0) findings.push(`${json.chapters?.length} chapters`);
  return findings;
}

/** Comment and application segments (APP1 and up: Exif, XMP, ...) before the image data. */
function jpegSegments(bytes: Buffer): string[] {
  const findings: string[] = [];
  for (let i = 2; i + 4 <= bytes.length; ) {
    if (bytes[i] !== 0xff) return [...findings, `JPEG marker expected at ${i}`];
    const marker = bytes[i + 1] ?? 0;
    // Start of scan: the entropy-coded picture follows, no more segments to read.
    if (marker === 0xda) break;
    const length = bytes.readUInt16BE(i + 2);
    if (marker === 0xfe) findings.push(`JPEG comment ${JSON.stringify(bytes.toString('latin1', i + 4, i + 2 + length))}`);
    if (marker >= 0xe1 && marker <= 0xef) findings.push(`JPEG APP${marker - 0xe0} segment of ${length} bytes`);
    i += 2 + length;
  }
  return findings;
}
