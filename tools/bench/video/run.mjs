// Video ladder benchmark: how many seconds the project's own ffmpeg ladder (FfmpegVideoTranscoder:
// the HLS rungs, poster, thumbnails and the remuxed MP4 preview) takes per second of video, on one
// core and on two, with its peak memory, for generated clips at the sizes people upload. The same
// ladder runs with each ffmpeg build found, side by side in the same run:
//
//   - `debian`: the machine's /usr/bin/ffmpeg (Debian bookworm's security-maintained 5.1), the
//     reference build;
//   - `layer-x64`: the media-tools layer built for this machine (`nx run
//     @mediaflow/lambdas:layer-media-tools-host`), the same recipe and versions as the arm64 layer
//     the video function runs in Lambda.
//
//   node tools/bench/video/run.mjs                    (or `npm run bench:video`)
//   node tools/bench/video/run.mjs --clips 1080p --cores 1,2 --rounds 2 --json
//
// Each measurement runs in a fresh child process pinned with `taskset` to the cores given (Lambda
// gives one vCPU per 1,769 MB of memory). It reports the wall time per second of video (the
// real-time factor the video function's routing reads, `VIDEO_LADDER_COST` in
// libs/video-pipeline/src/video/routing.ts), the CPU time of the ffmpeg processes per second of
// video, and the peak resident memory of ffmpeg (VmHWM) and of the whole process tree.
//
// It first compiles @mediaflow/video-pipeline (and @mediaflow/domain) with `tsc --build` and runs
// the compiled JavaScript, as a deployed function would.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { option } from '../lib/args.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const workspace = resolve(here, '../../..');

/**
 * Clips as phones record them: H.264 at about the workload's 16 Mb/s for 1080p, AAC stereo. The
 * picture is a moving test pattern under temporal noise of strength `grain` (ffmpeg's `noise`
 * filter, 0-100): sensor grain, which x264 cannot predict away. `grain` 4 is light grain, as a phone
 * shows indoors; 12 heavy grain, a dim room, and the hardest case; 0 a clean pattern, the easiest.
 */
const CLIPS = {
  '1080p': { width: 1920, height: 1080, fps: 30, seconds: 20, mbps: 16, grain: 4 },
  '1080p-grain': { width: 1920, height: 1080, fps: 30, seconds: 20, mbps: 16, grain: 12 },
  '1080p-clean': { width: 1920, height: 1080, fps: 30, seconds: 20, mbps: 16, grain: 0 },
  '1080p60': { width: 1920, height: 1080, fps: 60, seconds: 10, mbps: 24, grain: 4 },
  '2160p': { width: 3840, height: 2160, fps: 30, seconds: 10, mbps: 40, grain: 4 },
  '720p': { width: 1280, height: 720, fps: 30, seconds: 20, mbps: 8, grain: 4 },
  '480p': { width: 854, height: 480, fps: 30, seconds: 20, mbps: 3, grain: 4 },
  'portrait-1080p': { width: 1080, height: 1920, fps: 30, seconds: 20, mbps: 16, grain: 4 },
};

const BUILDS = {
  debian: { label: 'Debian ffmpeg 5.1 (reference)', ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe' },
  'layer-x64': {
    label: 'media-tools layer, x64 build (the Lambda recipe)',
    ffmpeg: join(workspace, 'apps/lambdas/dist-layers/media-tools-x64/bin/ffmpeg'),
    ffprobe: join(workspace, 'apps/lambdas/dist-layers/media-tools-x64/bin/ffprobe'),
  },
};

function generate(dir, name, clip) {
  const file = join(dir, `${name}.mp4`);
  if (existsSync(file)) return file;
  const gop = clip.fps * 2;
  const run = spawnSync(
    '/usr/bin/ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `testsrc2=size=${clip.width}x${clip.height}:rate=${clip.fps}${clip.grain > 0 ? `,noise=alls=${clip.grain}:allf=t` : ''}`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', String(clip.seconds),
      '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', `${clip.mbps}M`, '-maxrate', `${clip.mbps}M`, '-bufsize', `${clip.mbps * 2}M`, '-g', String(gop), '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '128k', '-ac', '2',
      '-movflags', '+faststart', file,
    ],
    { stdio: 'inherit' },
  );
  if (run.status !== 0) throw new Error(`could not generate the ${name} clip`);
  return file;
}

/** One measurement, in this process (the child): the ladder of `input` with `build`'s ffmpeg. */
async function child() {
  const [input, buildName, outDir] = process.argv.slice(3);
  const build = BUILDS[buildName];
  const pipeline = await import(pathToFileURL(join(workspace, 'libs/video-pipeline/dist/index.js')).href);
  const tools = await pipeline.detectFfmpeg({ configured: { ffmpeg: build.ffmpeg, ffprobe: build.ffprobe } });
  let ffmpegPeakKiB = 0;
  let treePeakKiB = 0;
  const children = new Set();
  const sample = () => {
    let tree = Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
    for (const pid of children) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        ffmpegPeakKiB = Math.max(ffmpegPeakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
        tree += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      } catch {
        children.delete(pid);
      }
    }
    treePeakKiB = Math.max(treePeakKiB, tree);
  };
  const timer = setInterval(sample, 100);
  const transcoder = new pipeline.FfmpegVideoTranscoder({ tools, lowPriority: false, onProcess: (pid) => children.add(pid) });
  const facts = await transcoder.probe(input);
  const started = process.hrtime.bigint();
  const before = process.cpuUsage();
  const result = await transcoder.transcode({ input, outputPrefix: outDir, facts });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  sample();
  const rungs = result.files.filter((f) => f.format === 'm3u8' && !f.name.endsWith('master')).length;
  const nodeCpu = process.cpuUsage(before);
  process.stdout.write(
    `${JSON.stringify({
      wallSeconds,
      durationSeconds: facts.durationSeconds,
      rungs,
      ffmpegPeakMiB: ffmpegPeakKiB / 1024,
      treePeakMiB: treePeakKiB / 1024,
      nodeCpuSeconds: (nodeCpu.user + nodeCpu.system) / 1e6,
      version: tools.version ?? tools.release?.join('.'),
    })}\n`,
  );
}

function cpuSet(cores) {
  return Array.from({ length: cores }, (_, i) => i).join(',');
}

function measure(input, buildName, cores, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const started = process.hrtime.bigint();
  const run = spawnSync('taskset', ['-c', cpuSet(cores), process.execPath, fileURLToPath(import.meta.url), '--child', input, buildName, outDir], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the ${buildName} ladder failed on ${input}:\n${run.stderr}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop());
  // The children's CPU: what the child process tree used, from /proc of this process (RUSAGE_CHILDREN).
  return { ...result, processSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function childrenCpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // Fields 16 and 17 of /proc/[pid]/stat (cutime, cstime) are the 14th and 15th after the name.
  const ticks = Number(stat[13]) + Number(stat[14]);
  return ticks / 100;
}

async function main() {
  const clipNames = option('clips', '1080p,1080p-grain,1080p-clean,1080p60,2160p,720p,480p').split(',');
  const coreCounts = option('cores', '1,2').split(',').map(Number);
  const rounds = Number(option('rounds', '1'));
  const json = process.argv.includes('--json');
  const available = Object.entries(BUILDS).filter(([, b]) => existsSync(b.ffmpeg) && existsSync(b.ffprobe));
  const wanted = option('builds', available.map(([n]) => n).join(',')).split(',');
  const builds = available.filter(([n]) => wanted.includes(n));
  if (!existsSync('/usr/bin/ffmpeg')) throw new Error('the clips are generated with /usr/bin/ffmpeg: apt-get install ffmpeg');
  if (spawnSync('taskset', ['-V']).status !== 0) throw new Error('taskset (util-linux) is needed to pin the measurements to cores');
  if (Math.max(...coreCounts) > cpus().length) throw new Error(`this machine has ${cpus().length} cores`);

  const build = spawnSync(join(workspace, 'node_modules/.bin/tsc'), ['--build', join(workspace, 'libs/video-pipeline/tsconfig.lib.json')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('tsc --build of @mediaflow/video-pipeline failed');

  const dir = join(tmpdir(), 'mediaflow-bench-video');
  mkdirSync(dir, { recursive: true });
  const rows = [];
  for (const name of clipNames) {
    const clip = CLIPS[name];
    if (!clip) throw new Error(`unknown clip ${name}; known: ${Object.keys(CLIPS).join(', ')}`);
    const input = generate(dir, name, clip);
    for (const [buildName] of builds) {
      for (const cores of coreCounts) {
        const runs = [];
        for (let round = 0; round < rounds; round++) {
          const cpuBefore = childrenCpuSeconds();
          const result = measure(input, buildName, cores, join(dir, 'out'));
          runs.push({ ...result, cpuSeconds: childrenCpuSeconds() - cpuBefore });
        }
        const best = runs.reduce((a, b) => (a.wallSeconds <= b.wallSeconds ? a : b));
        rows.push({
          clip: name,
          source: `${clip.width}x${clip.height}@${clip.fps}`,
          sourceMiB: statSync(input).size / 1024 ** 2,
          build: buildName,
          version: best.version,
          cores,
          rungs: best.rungs,
          durationSeconds: best.durationSeconds,
          wallPerVideoSecond: best.wallSeconds / best.durationSeconds,
          cpuPerVideoSecond: best.cpuSeconds / best.durationSeconds,
          ffmpegPeakMiB: Math.max(...runs.map((r) => r.ffmpegPeakMiB)),
          treePeakMiB: Math.max(...runs.map((r) => r.treePeakMiB)),
          rounds: runs.length,
        });
      }
    }
  }
  rmSync(join(dir, 'out'), { recursive: true, force: true });
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores); best of ${rounds} per row; builds: ${builds.map(([n, b]) => `${n} = ${b.label}`).join('; ')}\n`);
  console.log('| clip | source | build | cores | rungs | wall s per video s | CPU s per video s | ffmpeg peak MiB | tree peak MiB |');
  console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.clip} (${r.durationSeconds.toFixed(1)} s, ${r.sourceMiB.toFixed(1)} MiB) | ${r.source} | ${r.build} ${r.version ?? ''} | ${r.cores} | ${r.rungs} | ${r.wallPerVideoSecond.toFixed(3)} | ${r.cpuPerVideoSecond.toFixed(3)} | ${r.ffmpegPeakMiB.toFixed(0)} | ${r.treePeakMiB.toFixed(0)} |`,
    );
  }
}

if (process.argv[2] === '--child') {
  await child();
} else {
  await main();
}
