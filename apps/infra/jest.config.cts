// The video placement spec reaches the video pipeline, whose audio side uses ES-module-only packages (see jest.preset.esm-only.cjs).
module.exports = {
  displayName: 'infra',
  preset: '../../jest.preset.esm-only.cjs',
  coverageDirectory: '../../coverage/apps/infra',
};
