module.exports = {
  displayName: 'api',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/libs/api',
};
