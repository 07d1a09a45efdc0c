import { serviceConfig } from './composition.js';
import { ConfigError, loadConfig, requireSetting } from './config.js';
import { GOOD_ENV } from './test-support.js';

describe('loadConfig', () => {
  it('parses a complete environment, with defaults for the optional settings', () => {
    const config = loadConfig({ ...GOOD_ENV, MAX_RECEIVES: '3', MAX_UPLOAD_BYTES: '1048576', SOMETHING_ELSE: 'ignored' });
    expect(config).toMatchObject({
      AWS_REGION: 'eu-west-1',
      MEDIA_BUCKET: 'mediaflow-media-test',
      MEDIA_TABLE: 'mediaflow-media',
      EVENTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:mediaflow-events',
      MEDIA_BASE_URL: 'https://d111111abcdef8.cloudfront.net/media',
      MAX_RECEIVES: 3,
      MAX_UPLOAD_BYTES: 1_048_576,
      FFPROBE_PATH: '/opt/bin/ffprobe',
      REKOGNITION_MAX_CONCURRENCY: 5,
    });
    expect(requireSetting(config, 'MEDIACONVERT_ROLE_ARN')).toBe(GOOD_ENV['MEDIACONVERT_ROLE_ARN']);
  });

  it('names every missing or invalid variable', () => {
    const { MEDIA_TABLE: _unset, ...rest } = GOOD_ENV;
    let error: unknown;
    try {
      loadConfig({ ...rest, EVENTS_TOPIC_ARN: 'mediaflow-events', MAX_RECEIVES: 'five', MEDIA_BUCKET: '' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const config = error as ConfigError;
    expect([...config.variables].sort()).toEqual(['EVENTS_TOPIC_ARN', 'MAX_RECEIVES', 'MEDIA_BUCKET', 'MEDIA_TABLE']);
    expect(config.message).toContain('MEDIA_TABLE: is not set');
    expect(config.message).toContain('MEDIA_BUCKET: is not set');
    expect(config.message).toContain('EVENTS_TOPIC_ARN: must be an sns ARN');
  });

  it('takes the optional cache as a redis:// or rediss:// URL, and nothing else', () => {
    expect(loadConfig(GOOD_ENV).CACHE_URL).toBeUndefined();
    // CloudFormation blanks a variable it removes: an empty one is no cache.
    expect(loadConfig({ ...GOOD_ENV, CACHE_URL: '' }).CACHE_URL).toBeUndefined();
    const serverless = 'rediss://mediaflow-prod-abc123.serverless.use1.cache.amazonaws.com:6379';
    expect(loadConfig({ ...GOOD_ENV, CACHE_URL: serverless }).CACHE_URL).toBe(serverless);
    expect(loadConfig({ ...GOOD_ENV, CACHE_URL: 'redis://localhost:6379' }).CACHE_URL).toBe('redis://localhost:6379');
    for (const invalid of ['https://cache.example.com:6379', 'memcached://cache.example.com:11211', 'cache.example.com:6379', 'rediss://']) {
      expect(() => loadConfig({ ...GOOD_ENV, CACHE_URL: invalid })).toThrow(expect.objectContaining({ variables: ['CACHE_URL'] }));
    }
  });

  it('bounds the resume window of multipart uploads by the bucket rule\u2019s day', () => {
    expect(loadConfig({ ...GOOD_ENV, UPLOAD_RESUME_WINDOW_SECONDS: '86400', UPLOAD_PART_URL_TTL_SECONDS: '900' })).toMatchObject({
      UPLOAD_RESUME_WINDOW_SECONDS: 86_400,
      UPLOAD_PART_URL_TTL_SECONDS: 900,
    });
    expect(() => loadConfig({ ...GOOD_ENV, UPLOAD_RESUME_WINDOW_SECONDS: '86401' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...GOOD_ENV, UPLOAD_RESUME_WINDOW_SECONDS: '172800' })).toThrow(
      expect.objectContaining({ variables: ['UPLOAD_RESUME_WINDOW_SECONDS'], message: expect.stringContaining('the bucket rule aborts') }),
    );
    expect(() => loadConfig({ ...GOOD_ENV, UPLOAD_PART_URL_TTL_SECONDS: '604801' })).toThrow(expect.objectContaining({ variables: ['UPLOAD_PART_URL_TTL_SECONDS'] }));
  });

  it('refuses to start a function without a setting only it needs', () => {
    const { MEDIACONVERT_ROLE_ARN: _unset, ...rest } = GOOD_ENV;
    expect(() => requireSetting(loadConfig(rest), 'MEDIACONVERT_ROLE_ARN')).toThrow(new ConfigError('invalid environment: MEDIACONVERT_ROLE_ARN: is not set', []));
  });

  it('removes every version of a deleted item\u2019s objects only where the stack says so', () => {
    expect(serviceConfig(loadConfig(GOOD_ENV)).purgeObjectVersions).toBe(false);
    expect(serviceConfig(loadConfig({ ...GOOD_ENV, PURGE_OBJECT_VERSIONS: 'true' })).purgeObjectVersions).toBe(true);
    expect(serviceConfig(loadConfig({ ...GOOD_ENV, PURGE_OBJECT_VERSIONS: 'false' })).purgeObjectVersions).toBe(false);
    expect(() => loadConfig({ ...GOOD_ENV, PURGE_OBJECT_VERSIONS: 'yes' })).toThrow(expect.objectContaining({ variables: ['PURGE_OBJECT_VERSIONS'] }));
  });

  it('checks a storage quota per user only where the stack sets one', () => {
    expect(serviceConfig(loadConfig(GOOD_ENV)).storageQuotaBytes).toBeUndefined();
    expect(serviceConfig(loadConfig({ ...GOOD_ENV, STORAGE_QUOTA_BYTES: '5000000' })).storageQuotaBytes).toBe(5_000_000);
    expect(() => loadConfig({ ...GOOD_ENV, STORAGE_QUOTA_BYTES: '-1' })).toThrow(expect.objectContaining({ variables: ['STORAGE_QUOTA_BYTES'] }));
  });
});
