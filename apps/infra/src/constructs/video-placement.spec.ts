import { LAMBDA_FFMPEG, MEDIAFLOW, parseWorkload, planCapacity } from '@mediaflow/cost-model';
import { estimateLadderSeconds, lambdaVcpus, longestPlacedSeconds, placeVideo } from '@mediaflow/video-pipeline';
import { CONSUMER_TIMEOUTS } from '../config.js';
import { jobTimeLimitSeconds, VIDEO_PLANS } from './function-plans.js';

/** The video function as the stack deploys it: its job limit and its vCPUs. */
const limitSeconds = jobTimeLimitSeconds(CONSUMER_TIMEOUTS['video'] ?? fail('no video consumer timeout'));
const vcpus = lambdaVcpus(VIDEO_PLANS.lambda.memory);

function fail(message: string): never {
  throw new Error(message);
}

describe('the video function, the cost model and the pipeline agree', () => {
  it('deploys the memory the cost model prices, two vCPUs as measured', () => {
    expect(VIDEO_PLANS.lambda.memory).toBe(LAMBDA_FFMPEG.memoryMb);
    expect(vcpus).toBe(LAMBDA_FFMPEG.vcpus);
    expect(MEDIAFLOW.ffmpegMiB).toBe(LAMBDA_FFMPEG.memoryMb);
  });

  it('hands videos to MediaConvert past the length the cost model routes by', () => {
    expect(longestPlacedSeconds(limitSeconds / 2, vcpus)).toBe(LAMBDA_FFMPEG.maxPlacedSeconds);
    const at = (seconds: number) => placeVideo({ width: 1920, height: 1080, frameRate: 30, durationSeconds: seconds, audioCodec: 'aac' }, { bytes: 1 }, { transcoder: 'lambda', limitSeconds, vcpus });
    expect(at(LAMBDA_FFMPEG.maxPlacedSeconds).where).toBe('here');
    expect(at(LAMBDA_FFMPEG.maxPlacedSeconds + 1).where).toBe('job');
    expect(MEDIAFLOW.ffmpegMaxVideoSeconds).toBe(LAMBDA_FFMPEG.maxPlacedSeconds);
  });

  it("places the workload's video in the function, as the cost model and the capacity plan assume", () => {
    const workload = parseWorkload();
    const video = { width: 1920, height: 1080, frameRate: 30, durationSeconds: workload.videoSeconds, audioCodec: 'aac' };
    expect(placeVideo(video, { bytes: 1 }, { transcoder: 'lambda', limitSeconds, vcpus }).where).toBe('here');
    const plan = planCapacity(workload, { month: 0 });
    expect(plan.functions.find((f) => f.name === 'video-complete')?.averagePerSecond).toBe(0);
  });

  it("prices the ladder within a tenth of the pipeline's fitted estimate for the same core", () => {
    const perSecond = estimateLadderSeconds({ width: 1920, height: 1080, frameRate: 30, durationSeconds: 1, audioCodec: 'aac' }, vcpus, { coreSlowdown: LAMBDA_FFMPEG.coreSlowdown });
    expect(Math.abs(perSecond - LAMBDA_FFMPEG.secondsPerVideoSecond) / LAMBDA_FFMPEG.secondsPerVideoSecond).toBeLessThan(0.1);
  });

  it('keeps room in /tmp for the outputs of the longest video placed in the function', () => {
    // The ladder's peak bitrates: 14.1 Mb/s of video and 0.5 Mb/s of audio over the rungs, 4.1 Mb/s of preview.
    const outputMiB = (18.7e6 * LAMBDA_FFMPEG.maxPlacedSeconds) / 8 / 2 ** 20;
    expect(VIDEO_PLANS.lambda.scratch?.extraMiB).toBeGreaterThan(outputMiB * 1.5);
  });
});
