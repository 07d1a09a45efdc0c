module.exports = {
  displayName: 'image-pipeline',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/libs/image-pipeline',
  // thumbhash ships ES modules only; let SWC turn it into CommonJS like our own sources.
  transformIgnorePatterns: ['/node_modules/(?!thumbhash/)'],
  // Medium tests encode real images (AVIF included) on a 2-core machine.
  testTimeout: 60_000,
};
