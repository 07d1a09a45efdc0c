import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  BITSTREAM_FILTERS,
  DECODERS,
  DEMUXERS,
  ENCODERS,
  FILTERS,
  MUXERS,
  PARSERS,
  PROBE_SUBTITLE_DECODERS,
  PROTOCOLS,
} from '@mediaflow/video-pipeline';

const run = promisify(execFile);
const appRoot = join(__dirname, '..');
const helper = join(appRoot, 'layers/media-tools/components.mjs');
const componentsTs = join(appRoot, '../../libs/video-pipeline/src/ffmpeg/components.ts');

/** Runs the layer build's helper as the build does; rejects on a non-zero exit. */
async function helperRun(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [helper, ...args]);
  return stdout;
}
async function helperJson<T>(...args: string[]): Promise<T> {
  return JSON.parse(await helperRun(...args)) as T;
}
/** The exit code of a helper run that is expected to fail. */
async function helperExit(...args: string[]): Promise<number> {
  try {
    await run(process.execPath, [helper, ...args]);
    return 0;
  } catch (error) {
    return (error as { code: number }).code;
  }
}

const exported = { DECODERS, PROBE_SUBTITLE_DECODERS, ENCODERS, DEMUXERS, MUXERS, FILTERS, PARSERS, BITSTREAM_FILTERS, PROTOCOLS };

describe('media-tools layer: the ffmpeg components it is built with', () => {
  it('reads components.ts as the pipeline exports it, every list', async () => {
    const lists = await helperJson<Record<string, string[]>>('lists', componentsTs);
    expect(lists).toEqual(Object.fromEntries(Object.entries(exported).map(([name, list]) => [name, [...list]])));
  });

  it('builds every decoder the pipeline may open, the probe\'s subtitle decoders included', async () => {
    const components = await helperJson<Record<string, string[]>>('json', componentsTs);
    expect(components['DECODERS']).toEqual([...new Set([...DECODERS, ...PROBE_SUBTITLE_DECODERS])]);
    expect(components['ENCODERS']).toEqual([...ENCODERS]);
    expect(Object.keys(components).sort()).toEqual(['BITSTREAM_FILTERS', 'DECODERS', 'DEMUXERS', 'ENCODERS', 'FILTERS', 'MUXERS', 'PARSERS', 'PROTOCOLS']);
  });

  it('turns the lists into configure flags, in configure\'s names, with the external libraries they need', async () => {
    const flags = (await helperRun('configure', componentsTs)).trim().split('\n');
    const enabled = (kind: string): string[] => flags.find((flag) => flag.startsWith(`--enable-${kind}=`))?.split('=')[1]?.split(',') ?? [];
    const configureName = (name: string): string => ({ mov_text: 'movtext', s16le: 'pcm_s16le' })[name] ?? name;

    expect(enabled('decoder')).toEqual([...new Set([...DECODERS, ...PROBE_SUBTITLE_DECODERS])].map(configureName));
    expect(enabled('encoder')).toEqual([...ENCODERS]);
    expect(enabled('demuxer')).toEqual([...DEMUXERS]);
    expect(enabled('muxer')).toEqual(MUXERS.map(configureName));
    expect(enabled('filter')).toEqual([...FILTERS]);
    expect(enabled('parser')).toEqual([...PARSERS]);
    expect(enabled('bsf')).toEqual([...BITSTREAM_FILTERS]);
    expect(enabled('protocol')).toEqual([...PROTOCOLS]);
    expect(flags).toEqual(expect.arrayContaining(['--enable-gpl', '--enable-libx264', '--enable-libopus', '--enable-libdav1d']));
  });

  it('builds nothing but those: the recipe starts from an empty ffmpeg without network, devices or found libraries', async () => {
    const script = await readFile(join(appRoot, 'layers/media-tools.sh'), 'utf8');
    for (const flag of ['--disable-everything', '--disable-autodetect', '--disable-network', '--disable-devices', '--disable-ffplay', '--disable-doc', '--extra-ldexeflags=-static-pie']) {
      expect({ flag, present: script.includes(flag) }).toEqual({ flag, present: true });
    }
    expect(script).toContain('libs/video-pipeline/src/ffmpeg/components.ts');
    expect(script).toMatch(/limit_mib=120\b/);
  });

  describe('checking a configured ffmpeg tree', () => {
    let tree: string;
    beforeEach(async () => {
      tree = await mkdtemp(join(tmpdir(), 'mf-ffmpeg-tree-'));
      for (const dir of ['libavcodec', 'libavformat', 'libavfilter']) await mkdir(join(tree, dir));
    });
    afterEach(() => rm(tree, { recursive: true, force: true }));

    /** Writes the lists configure writes, holding `symbols` (e.g. `h264_decoder`). */
    async function configured(drop: string[] = [], add: Record<string, string[]> = {}): Promise<void> {
      const names = (list: readonly string[]): string[] => [...list].filter((name) => !drop.includes(name));
      const file = (symbols: string[]): string => `static const void *const list[] = {\n${symbols.map((s) => `    &ff_${s},`).join('\n')}\n    NULL };\n`;
      const codecs = [
        ...names([...new Set([...DECODERS, ...PROBE_SUBTITLE_DECODERS])]).map((n) => `${n === 'mov_text' ? 'movtext' : n}_decoder`),
        ...names(ENCODERS).map((n) => `${n}_encoder`),
        ...(add['codecs'] ?? []),
      ];
      await writeFile(join(tree, 'libavcodec/codec_list.c'), file(codecs));
      await writeFile(join(tree, 'libavcodec/parser_list.c'), file(names(PARSERS).map((n) => `${n}_parser`)));
      await writeFile(join(tree, 'libavcodec/bsf_list.c'), file([...names(BITSTREAM_FILTERS).map((n) => `${n}_bsf`), ...(add['bsfs'] ?? [])]));
      await writeFile(join(tree, 'libavformat/demuxer_list.c'), file(names(DEMUXERS).map((n) => `${n}_demuxer`)));
      await writeFile(join(tree, 'libavformat/muxer_list.c'), file([...names(MUXERS).map((n) => `${n === 's16le' ? 'pcm_s16le' : n}_muxer`), ...(add['muxers'] ?? [])]));
      await writeFile(join(tree, 'libavformat/protocol_list.c'), file(names(PROTOCOLS).map((n) => `${n}_protocol`)));
      // Filters are `ff_vf_*`/`ff_af_*`; the buffer sources and sinks are always there.
      const filters = names(FILTERS).map((n) => `${n.startsWith('a') ? 'af' : 'vf'}_${n}`);
      await writeFile(join(tree, 'libavfilter/filter_list.c'), file([...filters, 'asrc_abuffer', 'vsrc_buffer', 'asink_abuffer', 'vsink_buffer']));
    }

    it('passes a tree with every listed component, naming what configure added', async () => {
      await configured([], { muxers: ['mov_muxer', 'adts_muxer'], bsfs: ['vp9_superframe_split_bsf'] });
      const added = await helperJson<Record<string, string[]>>('verify', componentsTs, tree);
      expect(added).toEqual({ MUXERS: ['adts', 'mov'], BITSTREAM_FILTERS: ['vp9_superframe_split'] });
    });

    it('fails the build when configure left a listed component out (a misspelt or unknown name)', async () => {
      await configured(['hevc']);
      expect(await helperExit('verify', componentsTs, tree)).toBe(1);
    });
  });

  it('fails the build when the layer is over its size budget', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-layer-'));
    try {
      await writeFile(join(dir, 'ffmpeg'), Buffer.alloc(64 * 1024, 1));
      expect(await helperRun('size', dir, '1')).toMatch(/0\.1 MiB unzipped \(limit 1\.0 MiB\)/);
      expect(await helperExit('size', dir, '0.01')).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
