module.exports = {
  displayName: 'tagging',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/libs/tagging',
  // Medium tests load the detection models (seconds on 2 cores) and run them on photographs.
  testTimeout: 60_000,
};
