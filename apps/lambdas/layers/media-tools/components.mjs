// The ffmpeg components of the media-tools layer, taken from the pipeline's own lists
// (libs/video-pipeline/src/ffmpeg/components.ts) so that the build and the pipeline cannot drift:
// the file is compiled with esbuild and evaluated, so any way of writing the lists is read as the
// pipeline reads it.
//
//   node components.mjs json <components.ts>              the components by kind, as JSON
//   node components.mjs lists <components.ts>             the exported lists as they are, as JSON
//   node components.mjs configure <components.ts>         ffmpeg's configure flags, one a line
//   node components.mjs verify <components.ts> <ffmpeg source tree, configured>
//                                                         exits 1 unless every listed component is
//                                                         built; prints what configure added as JSON
//   node components.mjs size <layer dir> <limit MiB>      prints the layer's sizes, exits 1 over the limit
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { transform } from 'esbuild';

/**
 * The lists every build has, with the name configure gives each kind of component
 * (`--enable-<kind>=`). Another exported list joins the kind its name ends with
 * (`PROBE_SUBTITLE_DECODERS` adds decoders); an exported list of no known kind fails the build,
 * so a list added to the pipeline is never silently left out of the layer.
 */
export const KINDS = Object.freeze({
  DECODERS: 'decoder',
  ENCODERS: 'encoder',
  DEMUXERS: 'demuxer',
  MUXERS: 'muxer',
  FILTERS: 'filter',
  PARSERS: 'parser',
  BITSTREAM_FILTERS: 'bsf',
  PROTOCOLS: 'protocol',
});

/**
 * External libraries the layer knows how to link, by the component that needs them. The build
 * takes each from Debian bookworm (headers and static archive from the `-dev` package, or built
 * from Debian's source where Debian ships no archive). A listed `lib*` component without a recipe
 * here fails the build rather than being dropped by configure.
 */
export const EXTERNAL = Object.freeze({
  libx264: { flags: ['--enable-gpl', '--enable-libx264'], library: 'x264' },
  libopus: { flags: ['--enable-libopus'], library: 'opus' },
  libdav1d: { flags: ['--enable-libdav1d'], library: 'dav1d' },
});

/**
 * The lists name components as ffmpeg prints them (`ffmpeg -decoders`, `-muxers`), which the
 * pipeline passes in `-codec_whitelist`/`-format_whitelist`; configure names a few of them
 * otherwise (its name is the component's symbol, `ff_movtext_decoder` for `mov_text`). A listed
 * name configure does not know fails the build (`verify`): add it here.
 */
const CONFIGURE_NAMES = Object.freeze({
  decoder: { mov_text: 'movtext' },
  encoder: { mov_text: 'movtext' },
  muxer: {},
  demuxer: {},
});
/** Raw PCM formats (`s16le`, `f32be`, `alaw`, ...) are `pcm_*` to configure. */
const RAW_PCM = /^([suf](8|16|24|32|64)(le|be)?|alaw|mulaw|vidc)$/;

/** configure's name for a component ffmpeg prints as `name`. */
export function configureName(kind, name) {
  const alias = CONFIGURE_NAMES[kind]?.[name];
  if (alias !== undefined) return alias;
  if ((kind === 'muxer' || kind === 'demuxer') && RAW_PCM.test(name)) return `pcm_${name}`;
  return name;
}

const NAME = /^[a-z0-9_]+$/;
// Longest first, so that BITSTREAM_FILTERS is not taken for FILTERS.
const LIST_NAMES = Object.keys(KINDS).sort((a, b) => b.length - a.length);

/** The kind's list an exported list belongs to (`PROBE_SUBTITLE_DECODERS` -> `DECODERS`), or undefined. */
export function listOf(exportName) {
  return LIST_NAMES.find((list) => exportName === list || exportName.endsWith(`_${list}`));
}

/**
 * Reads every exported list of the pipeline's `components.ts`, by export name.
 *
 * @throws Error when one of the eight lists is missing or empty, a list is of no known kind, or
 *   holds something that is not a component name.
 */
export async function readLists(file) {
  const source = readFileSync(file, 'utf8');
  const { code } = await transform(source, { loader: 'ts', format: 'esm', sourcefile: file });
  const module = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  const lists = {};
  for (const [name, value] of Object.entries(module)) {
    if (!Array.isArray(value)) continue;
    if (listOf(name) === undefined) throw new Error(`${file}: ${name} is not a list of a kind the layer knows (${Object.keys(KINDS).join(', ')})`);
    const bad = value.filter((item) => typeof item !== 'string' || !NAME.test(item));
    if (bad.length > 0) throw new Error(`${file}: ${name} holds names configure cannot take: ${JSON.stringify(bad)}`);
    lists[name] = [...value];
  }
  for (const list of Object.keys(KINDS)) {
    if (!(list in lists) || lists[list].length === 0) throw new Error(`${file}: ${list} is missing or empty`);
  }
  return lists;
}

/** The components to build, by kind: each of the eight lists joined by the lists of its kind. */
export function componentsOf(lists) {
  const components = Object.fromEntries(Object.keys(KINDS).map((list) => [list, []]));
  for (const [name, items] of Object.entries(lists)) components[listOf(name)].push(...items);
  for (const list of Object.keys(components)) components[list] = [...new Set(components[list])];
  return components;
}

/** The components to build, by kind, from the pipeline's `components.ts`. */
export async function readComponents(file) {
  return componentsOf(await readLists(file));
}

/** The external libraries the components need, by their `EXTERNAL` key. */
export function externalLibraries(components) {
  const named = [...components.DECODERS, ...components.ENCODERS].filter((name) => name.startsWith('lib'));
  const unknown = named.filter((name) => !(name in EXTERNAL));
  if (unknown.length > 0) throw new Error(`no recipe for the external component(s) ${unknown.join(', ')}: add one to EXTERNAL and the build`);
  return [...new Set(named)].sort();
}

/** configure's flags that enable exactly these components (after `--disable-everything`). */
export function configureFlags(components) {
  const flags = externalLibraries(components).flatMap((name) => EXTERNAL[name].flags);
  for (const [list, kind] of Object.entries(KINDS)) flags.push(`--enable-${kind}=${components[list].map((name) => configureName(kind, name)).join(',')}`);
  return [...new Set(flags)];
}

/**
 * The components a configured ffmpeg tree will build, read from the lists configure writes
 * (`libavcodec/codec_list.c`, ...), by configure's names.
 */
export function configuredComponents(tree) {
  const symbols = (path) => [...readFileSync(join(tree, path), 'utf8').matchAll(/&ff_(\w+)/g)].map((match) => match[1]);
  const codecs = symbols('libavcodec/codec_list.c');
  const strip = (names, suffix) => names.filter((name) => name.endsWith(suffix)).map((name) => name.slice(0, -suffix.length));
  // The buffer sources and sinks are libavfilter's own plumbing, built whatever is asked for.
  const filters = symbols('libavfilter/filter_list.c')
    .filter((name) => !/^(vsrc_buffer|asrc_abuffer|vsink_buffer|asink_abuffer)$/.test(name))
    .map((name) => name.replace(/^(vf|af|vsrc|asrc|avf|vaf|avsrc|vsink|asink)_/, ''));
  return {
    DECODERS: strip(codecs, '_decoder'),
    ENCODERS: strip(codecs, '_encoder'),
    DEMUXERS: strip(symbols('libavformat/demuxer_list.c'), '_demuxer'),
    MUXERS: strip(symbols('libavformat/muxer_list.c'), '_muxer'),
    FILTERS: filters,
    PARSERS: strip(symbols('libavcodec/parser_list.c'), '_parser'),
    BITSTREAM_FILTERS: strip(symbols('libavcodec/bsf_list.c'), '_bsf'),
    PROTOCOLS: strip(symbols('libavformat/protocol_list.c'), '_protocol'),
  };
}

/**
 * Compares what was asked for with what configure will build: `missing` (by the lists' names) must
 * be empty; `added` (by configure's names) are components configure selected because an asked-for
 * one needs them (the hls muxer needs mpegts, the ffmpeg program its rotation filters).
 */
export function compareComponents(requested, built) {
  const missing = {};
  const added = {};
  for (const [list, kind] of Object.entries(KINDS)) {
    const want = new Set(requested[list].map((name) => configureName(kind, name)));
    const have = new Set(built[list]);
    const lacking = requested[list].filter((name) => !have.has(configureName(kind, name)));
    const extra = [...have].filter((name) => !want.has(name)).sort();
    if (lacking.length > 0) missing[list] = lacking;
    if (extra.length > 0) added[list] = extra;
  }
  return { missing, added };
}

/** Every regular file under `dir`, with its size and its deflated size (what a zip of it about holds). */
export function layerSizes(dir) {
  const files = [];
  const walk = (path) => {
    const stat = lstatSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    else if (stat.isFile()) files.push({ path: relative(dir, path), bytes: stat.size, deflated: deflateRawSync(readFileSync(path)).length });
  };
  walk(dir);
  // A zip adds a local header and a central directory entry per file: about 100 bytes plus the name twice.
  const zipped = files.reduce((sum, file) => sum + file.deflated + 100 + 2 * Buffer.byteLength(file.path), 22);
  return { files, bytes: files.reduce((sum, file) => sum + file.bytes, 0), zipped };
}

const MIB = 1024 * 1024;
const mib = (bytes) => `${(bytes / MIB).toFixed(1)} MiB`;

async function main([command, ...args]) {
  switch (command) {
    case 'json':
      console.log(JSON.stringify(await readComponents(args[0]), null, 2));
      return 0;
    case 'lists':
      console.log(JSON.stringify(await readLists(args[0]), null, 2));
      return 0;
    case 'configure':
      for (const flag of configureFlags(await readComponents(args[0]))) console.log(flag);
      return 0;
    case 'verify': {
      const { missing, added } = compareComponents(await readComponents(args[0]), configuredComponents(args[1]));
      if (Object.keys(missing).length > 0) {
        console.error(`configure left out listed components (misspelt, or missing a dependency): ${JSON.stringify(missing)}`);
        return 1;
      }
      console.log(JSON.stringify(added));
      return 0;
    }
    case 'size': {
      const limit = Number(args[1]) * MIB;
      const { files, bytes, zipped } = layerSizes(args[0]);
      for (const file of files.filter((f) => f.bytes >= 64 * 1024)) console.log(`  ${file.path.padEnd(40)} ${mib(file.bytes).padStart(10)}`);
      console.log(`media-tools layer: ${mib(bytes)} unzipped (limit ${mib(limit)}), about ${mib(zipped)} zipped, ${files.length} files`);
      if (bytes > limit) {
        console.error(`media-tools layer is over its budget: ${mib(bytes)} > ${mib(limit)}`);
        return 1;
      }
      return 0;
    }
    default:
      console.error('usage: components.mjs json|lists|configure <components.ts> | verify <components.ts> <ffmpeg tree> | size <dir> <MiB>');
      return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
