module.exports = {
  displayName: 'media-service',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/libs/media-service',
};
