import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rejection } from '@mediaflow/domain/testing';
import { FfmpegAudioProcessor } from '../audio/processor.js';
import { FfmpegVideoTranscoder } from '../video/transcoder.js';
import { detectFfmpeg, type FfmpegBuild } from './build.js';
import { UNPRIVILEGED_ID } from './isolation.js';
import { tempDir } from './testing/index.js';

/**
 * A stand-in for ffmpeg and ffprobe, configured as a maintained build would be
 * (`MEDIAFLOW_FFMPEG`/`MEDIAFLOW_FFPROBE` at the composition root): every run writes down what the
 * program sees (its environment as it was started with, its user, its working directory) and what
 * it can reach (the data directory's secret, the input it is handed, its working directory), then
 * answers as the pipeline needs it to go on: a version banner, a probe's JSON, or a failed encode.
 */
function stubScript(reports: string, secret: string): string {
  const probeJson = JSON.stringify({
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '1.000000' },
    streams: [
      { index: 0, codec_type: 'video', codec_name: 'h264', width: 320, height: 180, r_frame_rate: '25/1', avg_frame_rate: '25/1', duration: '1.000000' },
      { index: 1, codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 2, duration: '1.000000' },
    ],
  });
  return `#!/bin/sh
{
  echo "args=$*"
  echo "uid=$(id -u)"
  echo "cwd=$(pwd -P)"
  echo "cwd-mode=$(stat -c %a .) owner=$(stat -c %u .)"
  echo "environ-begin"
  tr '\\000' '\\n' < /proc/$$/environ
  echo "environ-end"
  echo "secret=$(cat '${secret}' 2>&1)"
  echo "input=$(head -c 20 /proc/self/fd/3 2>&1)"
  if echo written > written-by-tool; then echo "cwd-writable=yes"; fi
} > '${reports}/run-'$$ 2>&1
case "$*" in
  -version) echo "ffmpeg version 6.1.2 Copyright (c) 2000-2024 the FFmpeg developers" ;;
  *-show_format*) echo '${probeJson}' ;;
  *) exit 1 ;;
esac
`;
}

interface Report {
  args: string;
  uid: number;
  cwd: string;
  cwdMode: string;
  environ: string[];
  secret: string;
  input: string;
  writable: boolean;
  text: string;
}

function parseReport(text: string): Report {
  const field = (name: string): string => new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1] ?? '';
  const environ = /^environ-begin\n([\s\S]*?)^environ-end$/m.exec(text)?.[1] ?? 'environ section missing';
  return {
    args: field('args'),
    uid: Number(field('uid')),
    cwd: field('cwd'),
    cwdMode: field('cwd-mode'),
    environ: environ.split('\n').filter((line) => line !== ''),
    secret: field('secret'),
    input: field('input'),
    writable: field('cwd-writable') === 'yes',
    text,
  };
}

const SECRET = randomBytes(24).toString('base64');
const INPUT = 'MEDIAFLOW-TEST-INPUT';
const AWS = {
  AWS_ACCESS_KEY_ID: 'AKIATESTONLYNOTAKEY',
  AWS_SECRET_ACCESS_KEY: `test-only-${randomBytes(12).toString('hex')}`,
  AWS_SESSION_TOKEN: `test-only-${randomBytes(12).toString('hex')}`,
};
const asRoot = process.getuid?.() === 0;

let root: string;
let reports: string;
let input: string;
let tools: FfmpegBuild;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  root = await tempDir('mediaflow-isolation-');
  // Laid out as the local stack is: the data directory and each job's directory are the server's
  // alone; the stub's own directory and the report drop are open, as the stub must run and report.
  await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  await mkdir(dataDir, { mode: 0o700 });
  const secret = join(dataDir, 'secret.key');
  await writeFile(secret, `${SECRET}\n`, { mode: 0o600 });
  const job = join(dataDir, 'scratch', 'video-job');
  await mkdir(job, { recursive: true, mode: 0o700 });
  input = join(job, 'original');
  await writeFile(input, `${INPUT}\n${'x'.repeat(1000)}`, { mode: 0o644 });
  reports = join(root, 'reports');
  await mkdir(reports);
  await chmod(reports, 0o777);
  const bin = join(root, 'bin');
  await mkdir(bin, { mode: 0o755 });
  const stub = join(bin, 'media-tool');
  await writeFile(stub, stubScript(reports, secret), { mode: 0o755 });

  for (const [name, value] of Object.entries(AWS)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  tools = await detectFfmpeg({ configured: { ffmpeg: stub, ffprobe: stub } });
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(root, { recursive: true, force: true });
});

describe('media tools are started isolated (a stand-in tool reports what it sees)', () => {
  let runs: Report[];
  beforeAll(async () => {
    expect(tools.source).toBe('configured');
    const out = join(root, 'data', 'scratch', 'video-job', 'out');
    await rejection(new FfmpegVideoTranscoder({ tools }).transcode({ input, outputPrefix: out, facts: {} }));
    await rejection(new FfmpegAudioProcessor({ tools, workDir: join(root, 'data', 'scratch') }).process(input));
    runs = await Promise.all((await readdir(reports)).map(async (name) => parseReport(await readFile(join(reports, name), 'utf8'))));
  });

  it('ran the stand-in for every kind of run: versions, probes, the video and the audio encode', () => {
    const kinds = runs.map((r) => (r.args === '-version' ? 'version' : r.args.includes('-show_format') ? 'probe' : r.args.includes('-filter_complex') ? 'video' : r.args.includes('libopus') ? 'audio' : r.args));
    expect(kinds.sort()).toEqual(['audio', 'probe', 'probe', 'version', 'version', 'video']);
    for (const run of runs) expect(run.text).toMatch(/^environ-end$/m);
  });

  it('gives no tool any environment: no cloud credentials, nothing of the server\'s', () => {
    expect(Object.keys(process.env).length).toBeGreaterThan(3);
    for (const run of runs) {
      expect({ args: run.args, environ: run.environ }).toEqual({ args: run.args, environ: [] });
      for (const value of Object.values(AWS)) expect(run.text).not.toContain(value);
    }
  });

  it('starts every tool in a private job directory of its own, removed afterwards', () => {
    const cwds = runs.map((r) => r.cwd);
    expect(new Set(cwds).size).toBe(runs.length);
    for (const run of runs) {
      expect(run.cwd).toMatch(/\/mediaflow-tool-[^/]+\/work$/);
      expect(run.cwd).not.toBe(process.cwd());
      expect(run.cwdMode).toBe(`700 owner=${asRoot ? UNPRIVILEGED_ID : process.getuid?.()}`);
      expect(run.writable).toBe(true);
      expect(existsSync(run.cwd)).toBe(false);
    }
    // The encodes work inside the job: in the output directory, and in the audio's work directory.
    expect(runs.find((r) => r.args.includes('-filter_complex'))?.cwd).toContain('/data/scratch/video-job/out/mediaflow-tool-');
    expect(runs.find((r) => r.args.includes('libopus'))?.cwd).toContain('/data/scratch/mediaflow-tool-');
  });

  it('hands the input over open, so the tools read it where they could not reach it by name', () => {
    for (const run of runs.filter((r) => r.args !== '-version')) expect(run.input).toBe(INPUT);
  });

  it(asRoot ? 'runs the tools as an unprivileged user, who cannot read the secret' : 'runs the tools as this user, and says that this leaves the secret within their reach', () => {
    for (const run of runs) {
      if (asRoot) {
        expect(run.uid).toBe(UNPRIVILEGED_ID);
        expect(run.secret).toMatch(/Permission denied/);
        expect(run.text).not.toContain(SECRET);
      } else {
        expect(run.uid).toBe(process.getuid?.());
      }
    }
    expect(tools.isolation.kind).toBe(asRoot ? 'user' : 'none');
    expect(tools.isolation.description).toMatch(asRoot ? /out of their reach/ : /nothing keeps a tool .* from that user's files/);
  });
});
