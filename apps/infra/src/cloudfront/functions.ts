import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { resolutionBases } from '@mediaflow/domain/node';
import { FunctionCode } from 'aws-cdk-lib/aws-cloudfront';

/**
 * The distribution's CloudFront Functions (runtime `cloudfront-js-2.0`), each a plain JavaScript
 * file next to this module that defines `handler(event)`, deployed byte for byte as written (the
 * files carry no comments of their own: they would become part of the deployed code). The tests
 * run the files themselves.
 *
 * - `media-request`: viewer request of `/media/*`. Maps `/media/renditions/...` onto the bucket
 *   key `renditions/...` and answers 404 to anything else. Keys are built only from ids and
 *   rendition names (letters, digits, `_`, `.`, `-`, each segment starting with a letter or
 *   digit), so any other character, a percent-encoding, an empty or dot segment is refused rather
 *   than decoded: no spelling of a path can reach `originals/`. The query string is dropped, so S3
 *   never sees overrides such as `response-content-type`.
 * - `gallery-request`: viewer request of the gallery. A path whose last segment has no extension is
 *   a route of the single-page app (`/`, `/cost`) and gets `index.html`; files (`/assets/x.js`,
 *   `/config.json`) pass unchanged. Done per request rather than with distribution-wide error
 *   responses, which would also turn the API's and media's 403/404 into `index.html`.
 */
export const CLOUDFRONT_FUNCTIONS = ['media-request', 'gallery-request'] as const;
export type CloudFrontFunctionName = (typeof CLOUDFRONT_FUNCTIONS)[number];

/** Where the files are, relative to this package's root. */
const SOURCE_DIR = 'src/cloudfront';

/**
 * The code of one of the distribution's CloudFront Functions, read from its file at synthesis.
 *
 * @example
 * new cloudfront.Function(this, 'MediaRequest', { code: cloudFrontFunctionCode('media-request'), runtime: FunctionRuntime.JS_2_0 });
 */
export function cloudFrontFunctionCode(name: CloudFrontFunctionName): FunctionCode {
  return FunctionCode.fromFile({ filePath: cloudFrontFunctionPath(name) });
}

/**
 * The absolute path of a CloudFront Function's file, found through this package (`@mediaflow/infra`)
 * rather than this module's location: `synth.mjs` runs these sources as one bundle elsewhere.
 *
 * @throws Error when the file is not found from any base.
 */
export function cloudFrontFunctionPath(name: CloudFrontFunctionName, bases: readonly string[] = resolutionBases()): string {
  for (const base of bases) {
    try {
      const file = join(dirname(createRequire(base).resolve('@mediaflow/infra/package.json')), SOURCE_DIR, `${name}.js`);
      if (existsSync(file)) return file;
    } catch {
      // Not resolvable from this base; try the next one.
    }
  }
  throw new Error(`the CloudFront Function ${name} (${SOURCE_DIR}/${name}.js in @mediaflow/infra) was not found from ${bases.join(', ')}`);
}

