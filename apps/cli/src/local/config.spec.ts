import { isLoopbackHost, loadLocalConfig } from './config.js';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '[::]', '192.168.1.10', '10.0.0.1', '::ffff:10.0.0.1', 'fe80::1', 'my-laptop.local', '128.0.0.1', 'localhost.example.com'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('loadLocalConfig', () => {
  it('reads the image size limit from MEDIAFLOW_MAX_IMAGE_BYTES, and leaves it unset without it', () => {
    expect(loadLocalConfig({ MEDIAFLOW_MAX_IMAGE_BYTES: '8388608' }).maxImageBytes).toBe(8 * 1024 ** 2);
    expect(loadLocalConfig({}).maxImageBytes).toBeUndefined();
    expect(() => loadLocalConfig({ MEDIAFLOW_MAX_IMAGE_BYTES: '0' })).toThrow();
  });
});

describe('loadLocalConfig: the log', () => {
  it('reads the level and format from MEDIAFLOW_LOG_LEVEL and MEDIAFLOW_LOG_FORMAT, and NO_COLOR', () => {
    const defaults = loadLocalConfig({});
    expect([defaults.logLevel, defaults.logFormat, defaults.noColor]).toEqual(['info', undefined, undefined]);
    expect(loadLocalConfig({ MEDIAFLOW_LOG_LEVEL: 'debug', MEDIAFLOW_LOG_FORMAT: 'json', NO_COLOR: '1' })).toMatchObject({ logLevel: 'debug', logFormat: 'json', noColor: '1' });
    expect(() => loadLocalConfig({ MEDIAFLOW_LOG_LEVEL: 'loud' })).toThrow();
    expect(() => loadLocalConfig({ MEDIAFLOW_LOG_FORMAT: 'xml' })).toThrow();
  });
});
