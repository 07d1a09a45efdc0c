import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UnsupportedMediaError } from '@mediaflow/domain';
import { rejection } from '@mediaflow/domain/testing';
import { planAudio } from '../audio/plan.js';
import { renderAudio } from '../audio/render.js';
import { buildEncodeArgs } from '../video/args.js';
import { planLadder } from '../video/ladder.js';
import { AUDIO_DEMUXERS, VIDEO_DEMUXERS } from './demuxers.js';
import { translateToolFailure } from './errors.js';
import { runTool, TOOL_INPUT_URL } from './run.js';
import { tempDir, testFfmpeg } from './testing/index.js';
import { ToolDir } from './tool-dir.js';
import type { FfmpegBuild } from './build.js';

// The probe refuses these first (probe.medium.ts); here the encodes are asked to read them anyway,
// to show that ffmpeg itself holds to the lists on every read, not only ffprobe.

let dir: string;
let tools: FfmpegBuild;
let theora: string;
beforeAll(async () => {
  dir = await tempDir('mediaflow-allow-lists-');
  tools = await testFfmpeg();
  theora = join(dir, 'theora.ogv');
  await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=10:d=1', '-c:v', 'libtheora', '-y', theora], { timeoutMs: 30_000 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the ladder's ffmpeg on `input` as the transcoder does, pinned to `demuxer`, and returns the translated failure. */
async function encodeLadder(input: string, demuxer: string, demuxers: readonly string[]): Promise<Error> {
  const plan = planLadder({ width: 160, height: 120, frameRate: 10, durationSeconds: 1 });
  const work = await ToolDir.create(dir, tools.isolation, ['hls', 'thumbs']);
  try {
    const args = buildEncodeArgs(plan, { url: TOOL_INPUT_URL, demuxer, demuxers }, '.');
    return translateToolFailure(await rejection(runTool(tools.ffmpeg, args, { timeoutMs: 30_000, workDir: work, input })));
  } finally {
    await work.remove();
  }
}

describe('the ffmpeg runs hold to the allow-lists', () => {
  it('refuses to decode a video stream whose decoder is not on the list', async () => {
    const error = await encodeLadder(theora, 'ogg', [...VIDEO_DEMUXERS, 'ogg']);
    expect(error).toBeInstanceOf(UnsupportedMediaError);
    expect(error.message).toBe('codec "theora" is not supported');
  });

  it('refuses a container whose demuxer is not on the list, even when named', async () => {
    const error = await encodeLadder(theora, 'ogg', VIDEO_DEMUXERS);
    expect(error).toBeInstanceOf(UnsupportedMediaError);
    expect(error.message).toBe('container "ogg" is not allowed');
  });

  it('refuses to decode an audio stream whose decoder is not on the list, in an allowed container', async () => {
    const wav = join(dir, 'adpcm.wav');
    await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'adpcm_ms', '-y', wav], { timeoutMs: 30_000 });
    const plan = planAudio({ audioCodec: 'adpcm_ms', sampleRate: 44_100, channels: 1 }, 'wav', 60);
    const error = await rejection(
      renderAudio(plan, { ffmpeg: tools.ffmpeg, isolation: tools.isolation, input: wav, demuxers: AUDIO_DEMUXERS, facts: {}, timeoutMs: 30_000, workDir: dir }),
    );
    expect(error).toBeInstanceOf(UnsupportedMediaError);
    expect(error.message).toBe('codec "adpcm_ms" is not supported');
  });
});
