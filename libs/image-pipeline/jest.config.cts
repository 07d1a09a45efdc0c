module.exports = {
  displayName: 'image-pipeline',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/libs/image-pipeline',
};
