import { Duration } from 'aws-cdk-lib';
import { stackLimits } from '@mediaflow/cost-model';
import { FUNCTION_ENV_KEYS } from '@mediaflow/workers';
import { functionEnvironment, planEnvironment } from './function-environment.js';
import { feedOf, FUNCTION_PLANS, MEDIA_FUNCTIONS } from './function-plans.js';

/** Every input given, so each function gets every variable it can get. */
const EVERYTHING = {
  mediaBucket: 'mediaflow-media',
  mediaTable: 'mediaflow-media',
  topicArn: 'arn:aws:sns:eu-west-1:123456789012:mediaflow-events',
  mediaBaseUrl: 'https://media.example.com/media',
  idempotencyTable: 'mediaflow-idempotency',
  timeout: Duration.seconds(90),
  maxReceives: 5,
  maxUploadBytes: 1024 ** 3,
  cacheUrl: 'rediss://cache.example.com:6379',
  callerRateLimit: { perSecond: 5, burst: 20 },
};
const CONCURRENCY = stackLimits({ month: 0 }).maxConcurrency;

describe('the functions\u2019 environment', () => {
  it('plans for each function only variables it is declared to read (FUNCTION_ENV_KEYS of @mediaflow/workers)', () => {
    for (const name of MEDIA_FUNCTIONS) {
      const plan = FUNCTION_PLANS[name];
      const planned = Object.keys(planEnvironment(plan, feedOf(name, plan, CONCURRENCY), EVERYTHING));
      expect([name, planned.filter((key) => !FUNCTION_ENV_KEYS[name].includes(key as never))]).toEqual([name, []]);
      expect(() => functionEnvironment(name, planEnvironment(plan, feedOf(name, plan, CONCURRENCY), EVERYTHING))).not.toThrow();
    }
  });

  it('refuses a variable the function does not read', () => {
    expect(() => functionEnvironment('image', { CACHE_URL: EVERYTHING.cacheUrl })).toThrow(/the image function does not read CACHE_URL/);
    expect(functionEnvironment('api', { CACHE_URL: EVERYTHING.cacheUrl })).toEqual({ CACHE_URL: EVERYTHING.cacheUrl });
  });

  it('keeps each job\u2019s time limit short of its function\u2019s timeout', () => {
    const audio = FUNCTION_PLANS.audio;
    expect(planEnvironment(audio, feedOf('audio', audio, CONCURRENCY), EVERYTHING).AUDIO_TIME_LIMIT_SECONDS).toBe('81');
  });

  it('gives only the function that limits callers their limit', () => {
    for (const name of MEDIA_FUNCTIONS) {
      const environment = planEnvironment(FUNCTION_PLANS[name], feedOf(name, FUNCTION_PLANS[name], CONCURRENCY), EVERYTHING);
      if (name === 'api') expect(environment).toMatchObject({ OWNER_RATE_LIMIT_PER_SECOND: '5', OWNER_RATE_LIMIT_BURST: '20' });
      else expect(environment).not.toHaveProperty('OWNER_RATE_LIMIT_PER_SECOND');
    }
    const { callerRateLimit: _limit, ...withoutLimit } = EVERYTHING;
    expect(planEnvironment(FUNCTION_PLANS.api, undefined, withoutLimit)).not.toHaveProperty('OWNER_RATE_LIMIT_BURST');
  });

  it('deploys each consumer with the capacity plan\u2019s maximum concurrency, within what Lambda accepts', () => {
    expect(feedOf('image', FUNCTION_PLANS.image, CONCURRENCY)?.maxConcurrency).toBe(CONCURRENCY.image);
    expect(feedOf('api', FUNCTION_PLANS.api, CONCURRENCY)).toBeUndefined();
    expect(() => feedOf('image', FUNCTION_PLANS.image, { ...CONCURRENCY, image: 1 })).toThrow(/from 2 to 1000, not 1/);
    expect(() => feedOf('image', FUNCTION_PLANS.image, { ...CONCURRENCY, image: 1001 })).toThrow(/from 2 to 1000/);
  });
});
