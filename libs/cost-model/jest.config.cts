module.exports = {
  displayName: 'cost-model',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/libs/cost-model',
};
