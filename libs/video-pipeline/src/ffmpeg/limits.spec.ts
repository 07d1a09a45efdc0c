import { LimitExceededError } from '@mediaflow/domain';
import { checkProbeLimits, resolveProbeLimits } from './limits.js';

describe('checkProbeLimits', () => {
  const limits = resolveProbeLimits({ maxDurationSeconds: 60, maxPixels: 1920 * 1080 });

  it('accepts facts within the limits', () => {
    expect(() => checkProbeLimits({ durationSeconds: 60, width: 1080, height: 1920, frameRate: 60 }, 2, limits)).not.toThrow();
  });

  it.each([
    [{ durationSeconds: 61 }, 1, 'maxDurationSeconds'],
    [{ width: 3840, height: 2160 }, 1, 'maxPixels'],
    [{ frameRate: 1000 }, 1, 'maxFrameRate'],
    [{}, 33, 'maxStreams'],
  ])('refuses %j with %d streams (%s)', (facts, streams, limit) => {
    let caught: unknown;
    try {
      checkProbeLimits(facts, streams, limits);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LimitExceededError);
    expect((caught as LimitExceededError).details).toMatchObject({ limit });
  });
});
