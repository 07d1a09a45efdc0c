// `test:services`: the tests that need a real server (Redis), kept out of `test` (jest.config.cts)
// so that `npm test` passes on a machine with nothing but Node. CI installs the servers and runs
// `npx nx run @mediaflow/storage:test:services`; a missing server fails the run at once.
module.exports = {
  displayName: 'storage:services',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/libs/storage-services',
  testMatch: ['**/?(*.)+(services).ts'],
  globalSetup: '<rootDir>/jest.services.setup.cjs',
};
