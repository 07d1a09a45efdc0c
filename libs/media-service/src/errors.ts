import { MediaError, type MediaErrorOptions } from '@mediaflow/domain';

/**
 * An original whose bytes no longer hash to the SHA-256 recorded at ingest: something wrote to its
 * key after it was sniffed and accepted (a replayed upload URL), so what a step would render is not
 * what ingest checked. Retrying cannot help; the item fails with `failureCode`.
 */
export class OriginalChangedError extends MediaError {
  /** What the item records as its failure: the domain's error codes have none closer than `conflict`. */
  readonly failureCode = 'original_changed';

  constructor(message: string, options?: MediaErrorOptions) {
    super('conflict', message, options);
  }
}
