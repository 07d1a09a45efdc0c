import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const appRoot = join(__dirname, '..');
const FUNCTIONS = ['api', 'ingest', 'image', 'document', 'audio', 'tagging', 'video', 'video-complete', 'trash-purge', 'archive', 'media-signing-key'];
/** Text only sharp's own JavaScript carries (its loader's error message). */
const SHARP_CODE = 'Could not load the';
/** ffmpeg/ffprobe are executables: bundled, they would show as ELF images or the installers' manifests. */
const FFMPEG_CODE = [String.fromCharCode(0x7f) + 'ELF', '"name":"@ffmpeg-installer/linux', '"name":"@ffprobe-installer/linux'];

describe('build.mjs (one bundle per function and deploy-time handler)', () => {
  let out: string;
  const bundles = new Map<string, string>();

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'mf-lambdas-'));
    await run(process.execPath, [join(appRoot, 'build.mjs')], { env: { ...process.env, MEDIAFLOW_LAMBDA_OUT: out } });
    for (const name of FUNCTIONS) bundles.set(name, await readFile(join(out, name, 'index.mjs'), 'utf8'));
  }, 180_000);
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('writes an ES module with a source map for every function, and their sizes', async () => {
    const sizes = JSON.parse(await readFile(join(out, 'sizes.json'), 'utf8')) as { functions: Record<string, { bytes: number }> };
    expect(Object.keys(sizes.functions).sort()).toEqual([...FUNCTIONS].sort());
    for (const name of FUNCTIONS) {
      const code = bundles.get(name) ?? '';
      expect({ name, shim: code.includes('createRequire') }).toEqual({ name, shim: true });
      expect((await stat(join(out, name, 'index.mjs.map'))).size).toBeGreaterThan(0);
      expect(sizes.functions[name]?.bytes).toBe(Buffer.byteLength(code));
    }
  });

  it('puts a self-contained HEIC decoder worker beside the image bundle, where the pipeline looks first', async () => {
    const worker = await readFile(join(out, 'image', 'heic-decode-worker.mjs'), 'utf8');
    // Only Node's own modules are imported: the WebAssembly decoder is inlined.
    const imports = [...worker.matchAll(/(?:from|import)\s*"([^"]+)"/g)].map((match) => match[1]);
    expect(imports.filter((name) => !name?.startsWith('node:'))).toEqual([]);
    expect(worker).toContain('worker_threads');
    const sizes = JSON.parse(await readFile(join(out, 'sizes.json'), 'utf8')) as { workers: Record<string, Record<string, number>> };
    expect(Object.keys(sizes.workers)).toEqual(['image']);
  });

  it('keeps the API bundle under 1.1 MB, without any trace of sharp', () => {
    const api = bundles.get('api') ?? '';
    // 1.03 MB with search (the domain's folding, the DynamoDB search adapter); zod is 440 KB of it.
    expect(Buffer.byteLength(api)).toBeLessThan(1.1 * 1024 * 1024);
    expect(/sharp/i.test(api)).toBe(false);
  });

  it('leaves sharp and ffmpeg out of every bundle: sharp is required from its layer, ffmpeg run from its layer', () => {
    for (const [name, code] of bundles) {
      expect({ name, sharp: code.includes(SHARP_CODE) }).toEqual({ name, sharp: false });
      for (const marker of FFMPEG_CODE) expect({ name, marker, found: code.includes(marker) }).toEqual({ name, marker, found: false });
    }
    // Matched as booleans: a failed match would print a whole bundle.
    const requiresSharp = (code: string | undefined): boolean => /\.exports=[\w$]+\("sharp"\)/.test(code ?? '');
    for (const name of ['image', 'audio', 'video-complete', 'tagging']) expect({ name, requiresSharp: requiresSharp(bundles.get(name)) }).toEqual({ name, requiresSharp: true });
  });

  it('leaves the on-device tagger\'s libraries and models, and the OCR engine, to the tagger-models layer', () => {
    // Text of TensorFlow.js, Human and nsfwjs (and of their model files), and of tesseract.js, that a bundled copy would carry.
    const markers = ['tfjs-backend-wasm', 'centernet', 'NSFWJS', 'weightsManifest', 'Legacy model requested but code missing'];
    for (const [name, code] of bundles) for (const marker of markers) expect({ name, marker, found: code.includes(marker) }).toEqual({ name, marker, found: false });
  });

  it('has layer recipes that build sharp and ffmpeg/ffprobe for linux-arm64', async () => {
    const sharp = await readFile(join(appRoot, 'layers/sharp.sh'), 'utf8');
    expect(sharp).toMatch(/npm install[^\n]*\\\n[^\n]*--os=linux --cpu="\$arch" --libc=glibc sharp@0\.35\.5/);
    // arm64 (Lambda's) unless the host build for the simulated stage is asked for.
    expect(sharp).toMatch(/LAYER_ARCH:-arm64/);
    const tools = await readFile(join(appRoot, 'layers/media-tools.sh'), 'utf8');
    expect(tools).toContain('source --download-only "ffmpeg=$ffmpeg_version"');
    expect(tools).toContain('--arch="$cpu_family"');
    expect(tools).toMatch(/target=aarch64-linux-gnu deb_arch=arm64 cpu_family=aarch64/);
    expect(tools).toMatch(/bin\/ffprobe/);
  });
});
