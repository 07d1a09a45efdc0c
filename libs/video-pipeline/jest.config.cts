// Sources here reach packages that ship ES modules only (see jest.preset.esm-only.cjs).
module.exports = {
  displayName: 'video-pipeline',
  preset: '../../jest.preset.esm-only.cjs',
  coverageDirectory: '../../coverage/libs/video-pipeline',
  // Medium tests encode real video with ffmpeg on a 2-core machine.
  testTimeout: 120_000,
};
