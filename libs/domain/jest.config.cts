module.exports = {
  displayName: 'domain',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/libs/domain',
};
