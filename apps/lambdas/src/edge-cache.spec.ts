import { edgeCacheFor } from './composition.js';
import { ConfigError, loadConfig } from './config.js';
import { GOOD_ENV } from './test-support.js';

const ITEM = '01JQ0000000000000000000005';

describe('edgeCacheFor', () => {
  it('has no edge cache without DISTRIBUTION_ID (nor with a blanked one)', () => {
    expect(edgeCacheFor(loadConfig(GOOD_ENV))).toBeUndefined();
    expect(edgeCacheFor(loadConfig({ ...GOOD_ENV, DISTRIBUTION_ID: '' }))).toBeUndefined();
  });

  it("invalidates under the path MEDIA_BASE_URL serves renditions at", () => {
    const edge = edgeCacheFor(loadConfig({ ...GOOD_ENV, DISTRIBUTION_ID: 'E2QWRUHAPOMQZL' }));
    expect(edge?.pathsOf('alice', ITEM)).toEqual([`/media/renditions/alice/${ITEM}/*`, `/renditions/alice/${ITEM}/*`]);
    const atRoot = edgeCacheFor(loadConfig({ ...GOOD_ENV, DISTRIBUTION_ID: 'E2QWRUHAPOMQZL', MEDIA_BASE_URL: 'https://media.example.com/' }));
    expect(atRoot?.pathsOf('alice', ITEM)).toEqual([`/renditions/alice/${ITEM}/*`]);
  });

  it('refuses a DISTRIBUTION_ID that is not a distribution id', () => {
    expect(() => loadConfig({ ...GOOD_ENV, DISTRIBUTION_ID: 'arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL' })).toThrow(ConfigError);
  });
});
