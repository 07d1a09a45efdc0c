module.exports = {
  displayName: 'workers',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/libs/workers',
};
