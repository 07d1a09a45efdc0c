module.exports = {
  displayName: 'storage',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/libs/storage',
};
