import { LimitExceededError } from '@mediaflow/domain';
import { checkDimensions, checkInputBytes, defaultLimits, resolveLimits } from './limits.js';

describe('limits', () => {
  it('has the documented defaults and lets callers override single fields', () => {
    expect(defaultLimits.maxPixels).toBe(100_000_000);
    expect(resolveLimits({ maxPixels: 10 })).toEqual({ ...defaultLimits, maxPixels: 10 });
  });

  it('refuses inputs over the byte limit', () => {
    const limits = resolveLimits({ maxInputBytes: 1000 });
    expect(() => checkInputBytes(1000, limits)).not.toThrow();
    expect(() => checkInputBytes(1001, limits)).toThrow(LimitExceededError);
  });

  it('refuses a frame over the pixel limit and says which limit', () => {
    expect(() => checkDimensions({ width: 10_000, height: 10_000, frames: 1 }, defaultLimits)).not.toThrow();
    try {
      checkDimensions({ width: 50_000, height: 50_000, frames: 1 }, defaultLimits);
      throw new Error('expected a limit error');
    } catch (error) {
      expect(error).toBeInstanceOf(LimitExceededError);
      expect((error as LimitExceededError).code).toBe('limit_exceeded');
      expect((error as LimitExceededError).details).toMatchObject({ limit: 'maxPixels', value: 2_500_000_000 });
    }
  });

  it('counts every frame of an animation', () => {
    expect(() => checkDimensions({ width: 1920, height: 1080, frames: 240 }, defaultLimits)).not.toThrow();
    expect(() => checkDimensions({ width: 1920, height: 1080, frames: 300 }, defaultLimits)).toThrow(/maxAnimationPixels|animation of 300 frames/);
  });
});
