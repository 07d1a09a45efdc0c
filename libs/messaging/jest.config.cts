module.exports = {
  displayName: 'messaging',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/libs/messaging',
};
