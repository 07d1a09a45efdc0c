import type { MediaFacts } from '@mediaflow/domain';
import { estimateLadderSeconds, lambdaVcpus, longestPlacedSeconds, placeVideo, type PlacementOptions } from './placement.js';

const PHONE: MediaFacts = { width: 1920, height: 1080, frameRate: 30, durationSeconds: 20, audioCodec: 'aac', videoCodec: 'h264' };
const FUNCTION: PlacementOptions = { transcoder: 'lambda', limitSeconds: 810, vcpus: 2 };

describe('placeVideo', () => {
  it('keeps a phone clip in the function, with the estimate it was placed by', () => {
    const placed = placeVideo(PHONE, { bytes: 40e6 }, FUNCTION);
    expect(placed.where).toBe('here');
    expect(placed.estimatedSeconds).toBeCloseTo(estimateLadderSeconds(PHONE, 2), 6);
    expect(placed.reason).toMatch(/^the ladder should take about \d+ s here, within the 405 s budget$/);
  });

  it('hands long, heavy, unmeasurable and oversize videos to a job, saying why', () => {
    const longest = longestPlacedSeconds(405, 2);
    expect(placeVideo({ ...PHONE, durationSeconds: longest }, { bytes: 1 }, FUNCTION).where).toBe('here');
    expect(placeVideo({ ...PHONE, durationSeconds: longest + 1 }, { bytes: 1 }, FUNCTION).reason).toBe(`${longest + 1} s of video is longer than the ${longest} s the function takes`);
    // A 4K60 source of half that length still costs more than the budget.
    const heavy = placeVideo({ ...PHONE, width: 3840, height: 2160, frameRate: 60, durationSeconds: Math.floor(longest * 0.6) }, { bytes: 1 }, FUNCTION);
    expect(heavy).toMatchObject({ where: 'job' });
    expect(heavy.reason).toMatch(/more than the 405 s budget$/);
    expect(placeVideo({ ...PHONE, durationSeconds: undefined }, { bytes: 1 }, FUNCTION).reason).toBe('the video does not say how long it is');
    expect(placeVideo(PHONE, { bytes: 3e9 }, { ...FUNCTION, maxInputBytes: 2e9 }).where).toBe('job');
    expect(placeVideo(PHONE, { bytes: 1 }, { ...FUNCTION, transcoder: 'mediaconvert' }).reason).toBe('the stage transcodes every video with MediaConvert');
  });

  it('estimates in proportion to duration, less on more vCPUs and for smaller sources', () => {
    expect(estimateLadderSeconds({ ...PHONE, durationSeconds: 40 }, 2)).toBeCloseTo(2 * estimateLadderSeconds(PHONE, 2), 6);
    expect(estimateLadderSeconds(PHONE, 4)).toBeLessThan(estimateLadderSeconds(PHONE, 2));
    expect(estimateLadderSeconds({ ...PHONE, width: 1280, height: 720 }, 2)).toBeLessThan(estimateLadderSeconds(PHONE, 2) / 1.5);
    // Below one vCPU the function gets a share of one: half the memory, twice the time.
    expect(estimateLadderSeconds(PHONE, 0.5)).toBeCloseTo(2 * estimateLadderSeconds(PHONE, 1), 6);
  });

  it('gives one vCPU per 1,769 MB (at the 10,240 MB top Lambda gives six; the estimate counts 5.8)', () => {
    expect(lambdaVcpus(1769)).toBe(1);
    expect(lambdaVcpus(3538)).toBe(2);
    expect(lambdaVcpus(10_240)).toBeCloseTo(5.79, 2);
    expect(lambdaVcpus(20_000)).toBe(6);
  });
});
