import { LocalConfigSchema } from './config.js';
import { localServiceConfig } from './stack.js';

describe('localServiceConfig', () => {
  it('makes the local image size limit the service limit for images, and keeps the service default without one', () => {
    const limited = localServiceConfig(LocalConfigSchema.parse({ maxImageBytes: 8 * 1024 ** 2 }));
    expect(limited.maxBytesByKind).toEqual({ image: 8 * 1024 ** 2 });
    expect(localServiceConfig(LocalConfigSchema.parse({})).maxBytesByKind).toEqual({ image: 200 * 1024 ** 2 });
  });
});
