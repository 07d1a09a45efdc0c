// The simulated stage's scenario tests (`*.sim.ts`): they need `apps/infra/cdk.out` and the
// host-architecture layers, so they run in their own target (`test:sim`), after synth.
const base = require('./jest.config.cts');

module.exports = {
  ...base,
  displayName: 'cloud-sim (stage)',
  testMatch: ['**/?(*.)+(sim).ts'],
  testTimeout: 600_000,
  maxWorkers: 1,
};
