import { nodeRuntimeWarning } from './runtime.js';

describe('nodeRuntimeWarning', () => {
  const today = new Date('2026-12-06T12:00:00Z');

  it('warns about a line past its end of life, and names the supported one', () => {
    expect(nodeRuntimeWarning('v20.20.2', today)).toBe(
      'Node.js 20 reached its end of life on 2026-04-30 and gets no security fixes; Node.js 24 is the supported line (see .nvmrc; it is also the Lambda runtime)',
    );
    expect(nodeRuntimeWarning('v20.20.2', new Date('2026-04-29T23:00:00Z'))).toBeUndefined();
  });

  it('says nothing about maintained lines or newer ones', () => {
    expect(nodeRuntimeWarning('v22.12.0', today)).toBeUndefined();
    expect(nodeRuntimeWarning('v24.22.3', today)).toBeUndefined();
    expect(nodeRuntimeWarning('v26.1.0', today)).toBeUndefined();
  });

  it('names a line it does not support', () => {
    expect(nodeRuntimeWarning('v18.20.0', today)).toMatch(/^Node.js v18.20.0 is not supported/);
  });
});
