import { MediaError, type MediaErrorOptions } from '@mediaflow/domain';

/**
 * A storage adapter found its own state unusable: a database written by a newer schema, a
 * metadata sidecar that does not match its object. Not the caller's fault, so it maps to a 500.
 */
export class StorageError extends MediaError {
  constructor(message: string, options?: MediaErrorOptions) {
    super('internal', message, options);
  }
}
