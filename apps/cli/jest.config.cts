module.exports = {
  displayName: 'cli',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/apps/cli',
};
