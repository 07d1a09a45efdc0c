#!/usr/bin/env node
// Proves a built media-tools layer does what the functions ask of it, by running its own ffmpeg and
// ffprobe (under qemu-aarch64-static on a machine that is not arm64): static aarch64 programs of
// one Debian 5.1 build, with exactly the components of libs/video-pipeline/src/ffmpeg/components.ts;
// a probe, the HLS ladder's encode, the preview remux, the audio preview, the waveform PCM and the
// poster; and the allow-lists refusing what they should.
//
//   node apps/lambdas/layers/check-media-tools.mjs [layer-dir]   (default apps/lambdas/dist-layers/media-tools)
//   LAYER_ARCH=x64 node apps/lambdas/layers/check-media-tools.mjs [layer-dir]
//                                                   (default apps/lambdas/dist-layers/media-tools-x64)
//
// LAYER_ARCH=x64 proves the simulated stage's x86-64 build of the layer the same way, running its
// programs directly on an x86_64 machine (elsewhere under MEDIAFLOW_QEMU, default qemu-x86_64-static).
// The inputs are made by a host ffmpeg, as the layer has no test sources (lavfi) to make them:
// MEDIAFLOW_FFMPEG, else `ffmpeg` on PATH, else the npm-bundled @ffmpeg-installer/linux-x64 one.
// MEDIAFLOW_QEMU names the emulator (default qemu-aarch64-static, from Debian's qemu-user-static).
// Prints one line per check and `media-tools: N passed, N failed`; exits 1 when a check fails.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readComponents, readLists } from './media-tools/components.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
/** The architectures a layer is built for (LAYER_ARCH, as media-tools.sh takes it). */
const ARCHES = {
  arm64: { dir: 'media-tools', elfMachine: 183, elfName: 'aarch64', qemu: 'qemu-aarch64-static', target: 'layer-media-tools' },
  x64: { dir: 'media-tools-x64', elfMachine: 62, elfName: 'x86-64', qemu: 'qemu-x86_64-static', target: 'layer-media-tools-host' },
};
const arch = process.env.LAYER_ARCH || 'arm64';
const target = ARCHES[arch];
if (target === undefined) {
  console.error(`media-tools: LAYER_ARCH is ${Object.keys(ARCHES).join(' or ')}, not '${arch}'`);
  process.exit(1);
}
const layer = resolve(process.argv[2] ?? join(here, '../dist-layers', target.dir));
const componentsTs = join(root, 'libs/video-pipeline/src/ffmpeg/components.ts');
const TIMEOUT_MS = 300_000;

const results = [];
function report(name, ok, detail, extra = []) {
  results.push(ok);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  for (const line of extra) console.log(`       ${line}`);
}
/** Runs one check; an exception is its failure. */
async function check(name, body) {
  try {
    const outcome = await body();
    report(name, true, typeof outcome === 'string' ? outcome : outcome.detail, typeof outcome === 'string' ? [] : outcome.extra);
  } catch (error) {
    report(name, false, error instanceof Error ? error.message : String(error));
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function which(command) {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' }).stdout.trim() || undefined;
}

// --- what runs what ------------------------------------------------------------------------------
const native = process.platform === 'linux' && process.arch === arch;
const qemu = native ? undefined : (process.env.MEDIAFLOW_QEMU ?? which(target.qemu));
if (!native && (qemu === undefined || !existsSync(qemu))) {
  console.error(`media-tools: needs ${target.qemu} to run the ${arch} programs here (Debian: apt-get install qemu-user-static)`);
  process.exit(1);
}
const binary = (tool) => join(layer, 'bin', tool);
for (const tool of ['ffmpeg', 'ffprobe']) {
  if (!existsSync(binary(tool))) {
    console.error(`media-tools: ${binary(tool)} is missing: build the layer first (npx nx run @mediaflow/lambdas:${target.target})`);
    process.exit(1);
  }
}

/** Runs one of the layer's programs; never throws on a non-zero exit (the refusals expect one). */
function layerTool(tool, args, options = {}) {
  const [command, argv] = native ? [binary(tool), args] : [qemu, [binary(tool), ...args]];
  const run = spawnSync(command, argv, { encoding: options.encoding ?? 'utf8', timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, cwd: options.cwd });
  if (run.error) throw run.error;
  return run;
}
function layerOk(tool, args, options) {
  const run = layerTool(tool, args, options);
  const command = `${tool} ${args.join(' ')}`;
  const shown = command.length > 100 ? `${command.slice(0, 97)}...` : command;
  assert(run.status === 0, `${shown} exited ${run.status}: ${String(run.stderr).trim().split('\n').slice(-3).join(' | ')}`);
  return run;
}

function hostFfmpeg() {
  if (process.env.MEDIAFLOW_FFMPEG) return { path: process.env.MEDIAFLOW_FFMPEG, from: 'MEDIAFLOW_FFMPEG' };
  const onPath = which('ffmpeg');
  if (onPath) return { path: onPath, from: 'PATH' };
  const bundled = join(root, 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg');
  if (existsSync(bundled)) {
    // npm 11 does not run the package's postinstall chmod.
    chmodSync(bundled, statSync(bundled).mode | 0o111);
    return { path: bundled, from: 'npm @ffmpeg-installer/linux-x64' };
  }
  return undefined;
}
function host(args, cwd) {
  const run = spawnSync(generator.path, ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { cwd, encoding: 'utf8', timeout: TIMEOUT_MS });
  assert(run.status === 0, `host ffmpeg ${args.join(' ')} failed: ${run.stderr}`);
}

// --- the facts checked against ---------------------------------------------------------------------
const lists = await readLists(componentsTs);
const components = await readComponents(componentsTs);
const manifest = JSON.parse(readFileSync(join(layer, 'share/media-tools/manifest.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'mf-media-tools-'));
const inWork = (name) => join(work, name);
const generator = hostFfmpeg();

/**
 * What an ELF file's headers say: its machine, whether it is position-independent, whether it asks
 * for a program interpreter (the dynamic loader) and which shared libraries it needs (DT_NEEDED).
 * A static-pie program has a dynamic section, to relocate itself, but neither of the last two.
 */
function elfFacts(path) {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(64);
    readSync(fd, header, 0, 64, 0);
    assert(header.readUInt32BE(0) === 0x7f454c46 && header[4] === 2 && header[5] === 1, `${path} is not a 64-bit little-endian ELF file`);
    const machine = header.readUInt16LE(18);
    const type = header.readUInt16LE(16);
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    const headers = Array.from({ length: phnum }, (_, i) => ({
      type: table.readUInt32LE(i * phentsize),
      offset: Number(table.readBigUInt64LE(i * phentsize + 8)),
      size: Number(table.readBigUInt64LE(i * phentsize + 32)),
    }));
    let needed = 0;
    for (const dynamic of headers.filter((h) => h.type === 2)) {
      const entries = Buffer.alloc(dynamic.size);
      readSync(fd, entries, 0, entries.length, dynamic.offset);
      for (let at = 0; at + 16 <= entries.length; at += 16) if (entries.readBigInt64LE(at) === 1n) needed += 1;
    }
    return { machine, pie: type === 3, interpreter: headers.some((h) => h.type === 3), needed };
  } finally {
    closeSync(fd);
  }
}

/** The names a `-decoders`/`-muxers`/... listing prints. */
function listed(flag) {
  const out = layerOk('ffmpeg', ['-hide_banner', flag]).stdout;
  const lines = out.split('\n');
  switch (flag) {
    case '-decoders':
    case '-encoders': {
      const body = lines.slice(lines.findIndex((line) => /^\s*-+\s*$/.test(line)) + 1);
      return body.map((line) => /^\s*[VASD.][F.][S.][X.][B.][D.]\s+(\S+)/.exec(line)?.[1]).filter(Boolean);
    }
    case '-demuxers':
    case '-muxers': {
      const body = lines.slice(lines.findIndex((line) => /^\s*--\s*$/.test(line)) + 1);
      return body.map((line) => /^\s*D?E?\s+(\S+)/.exec(line)?.[1]).filter(Boolean);
    }
    case '-filters':
      return lines.map((line) => /^\s*[T.][S.][C.]?\s+(\S+)\s+\S*->\S*/.exec(line)?.[1]).filter(Boolean);
    case '-bsfs':
      return lines.slice(1).map((line) => line.trim()).filter(Boolean);
    case '-protocols':
      return lines.map((line) => line.trim()).filter((line) => line && !/:$/.test(line));
    default:
      throw new Error(`no parser for ${flag}`);
  }
}

function probe(args) {
  const run = layerOk('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...args]);
  return JSON.parse(run.stdout);
}
/**
 * The pipeline's reads of an upload: local files only, listed containers and decoders (ffprobe may
 * open the subtitle decoders too, to describe a file; ffmpeg, which drops subtitles, may not).
 */
const safeInput = ['-protocol_whitelist', 'file', '-format_whitelist', components.DEMUXERS.join(','), '-codec_whitelist', lists.DECODERS.join(',')];
const safeProbe = ['-protocol_whitelist', 'file', '-format_whitelist', components.DEMUXERS.join(','), '-codec_whitelist', components.DECODERS.join(',')];

try {
  await check(`static ${target.elfName} programs`, () => {
    assert(manifest.platform === `linux-${arch}`, `the layer's manifest says it is for ${manifest.platform}`);
    const facts = ['ffmpeg', 'ffprobe'].map((tool) => ({ tool, ...elfFacts(binary(tool)) }));
    for (const f of facts) {
      assert(f.machine === target.elfMachine, `${f.tool} is not an ${target.elfName} program`);
      assert(!f.interpreter, `${f.tool} asks for a dynamic loader`);
      assert(f.needed === 0, `${f.tool} needs ${f.needed} shared libraries`);
    }
    const sizes = facts.map((f) => `${f.tool} ${(statSync(binary(f.tool)).size / 1048576).toFixed(1)} MiB`).join(', ');
    return `no program interpreter, no shared libraries, ${facts.every((f) => f.pie) ? 'position-independent (static-pie)' : 'fixed address'}; ${sizes}${native ? '' : ` (run with ${qemu})`}`;
  });

  await check('ffmpeg -version', () => {
    const out = layerOk('ffmpeg', ['-version']).stdout;
    const head = /^ffmpeg version (\d+)\.(\d+)\.(\d+)-(\S+) Copyright/.exec(out);
    assert(head, `unexpected banner: ${out.split('\n')[0]}`);
    const [major, minor] = [Number(head[1]), Number(head[2])];
    assert(major > 5 || (major === 5 && minor >= 1), `${head[0]} is older than 5.1`);
    assert(major === 5 && minor === 1 && /\+deb12u\d+$/.test(head[4]), `${out.split('\n')[0]} is not Debian bookworm's 5.1.x`);
    assert(`${head[1]}.${head[2]}.${head[3]}-${head[4]}` === manifest.ffmpeg, `the layer's manifest says ${manifest.ffmpeg}`);
    assert(/^built with gcc \d+ \(Debian /m.test(out), 'not built with Debian\'s gcc');
    for (const flag of ['--disable-everything', '--disable-network', '--disable-autodetect']) assert(out.includes(flag), `configured without ${flag}`);
    return { detail: `Debian's ${manifest.ffmpeg} (source ${manifest.debian['ffmpeg-source']})`, extra: out.trim().split('\n').filter((line) => !line.startsWith('configuration:')) };
  });

  await check('ffprobe -version', () => {
    const out = layerOk('ffprobe', ['-version']).stdout;
    const version = /^ffprobe version (\S+)/.exec(out)?.[1];
    assert(version === manifest.ffmpeg, `ffprobe is ${version}, ffmpeg ${manifest.ffmpeg}: not one build`);
    return `${version}, the same build as ffmpeg`;
  });

  // The listings name what is built; nothing else may be (configure's own additions aside).
  const kinds = [
    ['decoders', '-decoders', 'DECODERS'],
    ['encoders', '-encoders', 'ENCODERS'],
    ['demuxers', '-demuxers', 'DEMUXERS'],
    ['muxers', '-muxers', 'MUXERS'],
    ['filters', '-filters', 'FILTERS'],
    ['bitstream filters', '-bsfs', 'BITSTREAM_FILTERS'],
    ['protocols', '-protocols', 'PROTOCOLS'],
  ];
  const plumbing = new Set(['buffer', 'buffersink', 'abuffer', 'abuffersink']);
  for (const [label, flag, list] of kinds) {
    await check(label, () => {
      const built = [...new Set(listed(flag))];
      const want = components[list];
      const allowed = new Set([...want, ...(manifest.selectedByConfigure[list] ?? []), ...plumbing]);
      // Formats print every name they answer to (`mov,mp4,m4a,3gp,3g2,mj2`).
      const names = (entry) => entry.split(',');
      const missing = want.filter((name) => !built.some((entry) => names(entry).includes(name)));
      const extra = built.filter((entry) => !names(entry).some((name) => allowed.has(name)));
      assert(missing.length === 0, `listed but not built: ${missing.join(', ')}`);
      assert(extra.length === 0, `built but not listed: ${extra.join(', ')}`);
      const added = (manifest.selectedByConfigure[list] ?? []).filter((name) => built.some((entry) => names(entry).includes(name)));
      return `all ${want.length} listed, nothing else${added.length > 0 ? ` (besides ${added.join(', ')}, which configure adds for them)` : ''}`;
    });
  }

  if (!generator) {
    report('test inputs', false, 'no host ffmpeg to make them: set MEDIAFLOW_FFMPEG, install ffmpeg, or run npm ci');
  } else {
    await check('test inputs', () => {
      const lavfi = ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2'];
      host([...lavfi, '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-shortest', '-movflags', '+faststart', inWork('clip.mp4')]);
      // A phone's portrait clip: landscape pixels with a 90° display rotation.
      host(['-i', inWork('clip.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', inWork('rotated.mp4')]);
      // A codec that is not on the list and not built (FFV1), in a container that is (Matroska).
      host(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10:duration=1', '-c:v', 'ffv1', inWork('ffv1.mkv')]);
      return `2 s 640x360 H.264 + AAC in MP4, a rotated copy, 1 s FFV1 in Matroska (made with ${generator.path}, from ${generator.from})`;
    });

    await check('ffprobe JSON probe (the pipeline\'s allow-lists)', () => {
      const result = probe([...safeProbe, `file:${inWork('clip.mp4')}`]);
      const video = result.streams.find((s) => s.codec_type === 'video');
      const audio = result.streams.find((s) => s.codec_type === 'audio');
      assert(video?.codec_name === 'h264' && video.width === 640 && video.height === 360, `video stream: ${JSON.stringify(video)}`);
      assert(audio?.codec_name === 'aac' && audio.sample_rate === '48000', `audio stream: ${JSON.stringify(audio)}`);
      const duration = Number(result.format.duration);
      assert(result.format.format_name.includes('mp4') && Math.abs(duration - 2) < 0.2, `format: ${result.format.format_name}, ${duration} s`);
      return `${result.format.format_name}, ${duration.toFixed(2)} s, h264 ${video.width}x${video.height} ${video.pix_fmt}, aac ${audio.sample_rate} Hz ${audio.channels} ch`;
    });

    await check('HLS ladder (libx264 + aac, two variants, master playlist)', () => {
      const started = Date.now();
      layerOk('ffmpeg', [
        '-nostdin', '-v', 'error', ...safeInput, '-i', `file:${inWork('clip.mp4')}`,
        '-filter_complex', '[0:v]fps=30,split=2[s0][s1];[s0]scale=-2:360,setsar=1[v0];[s1]scale=-2:240,setsar=1[v1]',
        '-map', '[v0]', '-map', '0:a', '-map', '[v1]', '-map', '0:a',
        '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-g', '30', '-keyint_min', '30', '-sc_threshold', '0',
        '-b:v:0', '800k', '-b:v:1', '400k', '-c:a', 'aac', '-b:a', '96k', '-ac', '2',
        '-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod', '-hls_segment_type', 'mpegts',
        '-hls_segment_filename', inWork('hls_%v_%03d.ts'), '-master_pl_name', 'master.m3u8',
        '-var_stream_map', 'v:0,a:0,name:360p v:1,a:1,name:240p', inWork('hls_%v.m3u8'),
      ]);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const master = readFileSync(inWork('master.m3u8'), 'utf8');
      const variants = master.split('\n').filter((line) => line && !line.startsWith('#'));
      assert((master.match(/#EXT-X-STREAM-INF/g) ?? []).length === 2, `master playlist:\n${master}`);
      assert(variants.join(' ') === 'hls_360p.m3u8 hls_240p.m3u8', `master names ${variants.join(', ')}`);
      let segments = 0;
      for (const variant of variants) {
        const playlist = readFileSync(inWork(variant), 'utf8');
        assert(playlist.includes('#EXT-X-ENDLIST'), `${variant} is not a finished VOD playlist`);
        const files = playlist.split('\n').filter((line) => line.endsWith('.ts'));
        assert(files.length >= 2, `${variant} has ${files.length} segments`);
        for (const file of files) assert(statSync(inWork(file)).size > 0, `${file} is empty`);
        segments += files.length;
      }
      const segment = probe([...safeProbe, `file:${inWork('hls_240p_000.ts')}`]);
      const video = segment.streams.find((s) => s.codec_type === 'video');
      assert(segment.format.format_name === 'mpegts' && video?.codec_name === 'h264' && video.height === 240, `segment: ${JSON.stringify(segment.format.format_name)} ${JSON.stringify(video)}`);
      return `master.m3u8 with 360p and 240p, ${segments} MPEG-TS segments (h264 + aac), ${seconds} s${native ? '' : ' under qemu'}`;
    });

    await check('MP4 preview remuxed from HLS', () => {
      layerOk('ffmpeg', [
        '-nostdin', '-v', 'error', '-protocol_whitelist', 'file', '-format_whitelist', 'hls,applehttp,mpegts', '-f', 'hls', '-i', inWork('hls_360p.m3u8'),
        '-c', 'copy', '-movflags', '+faststart', inWork('preview.mp4'),
      ]);
      const result = probe([...safeProbe, `file:${inWork('preview.mp4')}`]);
      const codecs = result.streams.map((s) => s.codec_name).join(' + ');
      assert(codecs === 'h264 + aac', `preview streams: ${codecs}`);
      return `${codecs} in ${result.format.format_name}, ${Number(result.format.duration).toFixed(2)} s`;
    });

    await check('Opus audio preview (libopus)', () => {
      layerOk('ffmpeg', ['-nostdin', '-v', 'error', ...safeInput, '-i', `file:${inWork('clip.mp4')}`, '-vn', '-c:a', 'libopus', '-b:a', '64k', inWork('preview.opus')]);
      const result = probe([...safeProbe, `file:${inWork('preview.opus')}`]);
      const audio = result.streams[0];
      assert(result.format.format_name === 'ogg' && audio?.codec_name === 'opus', `${result.format.format_name}: ${audio?.codec_name}`);
      return `opus in ogg, ${audio.sample_rate} Hz, ${Number(result.format.duration).toFixed(2)} s`;
    });

    await check('waveform PCM to a pipe and a poster frame', () => {
      const pcm = layerOk('ffmpeg', ['-nostdin', '-v', 'error', ...safeInput, '-i', `file:${inWork('clip.mp4')}`, '-vn', '-ac', '1', '-ar', '8000', '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1'], { encoding: 'buffer' });
      assert(Math.abs(pcm.stdout.length - 32_000) < 2_000, `${pcm.stdout.length} bytes of 8 kHz mono PCM for 2 s`);
      layerOk('ffmpeg', ['-nostdin', '-v', 'error', ...safeInput, '-ss', '1', '-i', `file:${inWork('clip.mp4')}`, '-frames:v', '1', '-c:v', 'mjpeg', '-f', 'image2', inWork('poster.jpg')]);
      const jpeg = readFileSync(inWork('poster.jpg'));
      assert(jpeg[0] === 0xff && jpeg[1] === 0xd8, 'the poster is not a JPEG');
      return `${pcm.stdout.length} bytes of s16le on stdout, a ${jpeg.length}-byte JPEG`;
    });

    await check('rotated phone clip is turned upright', () => {
      layerOk('ffmpeg', ['-nostdin', '-v', 'error', ...safeInput, '-i', `file:${inWork('rotated.mp4')}`, '-an', '-c:v', 'libx264', '-preset', 'ultrafast', inWork('upright.mp4')]);
      const video = probe([`file:${inWork('upright.mp4')}`]).streams[0];
      assert(video.width === 360 && video.height === 640, `${video.width}x${video.height}`);
      return `640x360 shown at 90° became ${video.width}x${video.height}`;
    });

    await check('AV1 upload decoded (libdav1d)', () => {
      // libaom in both Debian's ffmpeg and the npm build; its fastest settings for a few frames.
      host(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10:duration=0.5', '-c:v', 'libaom-av1', '-cpu-used', '8', '-b:v', '200k', '-strict', 'experimental', inWork('av1.mkv')]);
      const stream = probe([...safeProbe, `file:${inWork('av1.mkv')}`]).streams[0];
      assert(stream?.codec_name === 'av1', `the input is ${stream?.codec_name}`);
      const run = layerOk('ffmpeg', ['-nostdin', '-v', 'verbose', ...safeInput, '-i', `file:${inWork('av1.mkv')}`, '-frames:v', '1', '-c:v', 'mjpeg', '-f', 'image2', inWork('av1.jpg')]);
      assert(/\(av1 \(libdav1d\) -> mjpeg/.test(run.stderr), 'the stream was not decoded by libdav1d');
      assert(statSync(inWork('av1.jpg')).size > 0, 'no frame came out');
      return `AV1 ${stream.width}x${stream.height} in Matroska -> a JPEG frame, through libdav1d`;
    });

    await check('-codec_whitelist refuses a decoder not on it', () => {
      const withoutH264 = lists.DECODERS.filter((name) => name !== 'h264').join(',');
      const run = layerTool('ffmpeg', ['-nostdin', '-v', 'error', '-protocol_whitelist', 'file', '-codec_whitelist', withoutH264, '-i', `file:${inWork('clip.mp4')}`, '-f', 'null', '-']);
      assert(run.status !== 0, 'decoded H.264 though it was not on the whitelist');
      assert(/Codec \(h264\) not on whitelist/.test(run.stderr), `refused, but said: ${run.stderr.trim()}`);
      return `exit ${run.status}: "${/Codec \(h264\) not on whitelist[^\n]*/.exec(run.stderr)?.[0].slice(0, 60)}..."`;
    });

    await check('a codec that is not listed is not there to decode', () => {
      const args = ['-nostdin', '-v', 'error', ...safeInput, '-i', `file:${inWork('ffv1.mkv')}`, '-c:v', 'libx264', '-f', 'mp4', inWork('ffv1.mp4')];
      const run = layerTool('ffmpeg', args);
      assert(run.status !== 0, 'decoded FFV1, which is not on the list');
      const said = /Decoder \(codec ffv1\) not found[^\n]*/.exec(run.stderr)?.[0];
      assert(said !== undefined, `refused, but said: ${run.stderr.trim()}`);
      return `FFV1 in Matroska (a listed container): exit ${run.status}, "${said}"`;
    });
  }

  await check('no network', () => {
    const run = layerTool('ffprobe', ['-v', 'error', 'http://127.0.0.1:9/clip.mp4']);
    assert(run.status !== 0 && /Protocol not found/.test(run.stderr), `http:// was not refused as unknown: ${run.stderr.trim()}`);
    return 'http:// is not a protocol this build knows';
  });
} finally {
  if (process.env.MEDIA_TOOLS_KEEP_WORK) console.log(`(kept ${work})`);
  else rmSync(work, { recursive: true, force: true });
}

const passed = results.filter(Boolean).length;
const failed = results.length - passed;
console.log(`media-tools: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
