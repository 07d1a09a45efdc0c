// Sources here reach packages that ship ES modules only (see jest.preset.esm-only.cjs).
module.exports = {
  displayName: 'lambdas',
  preset: '../../jest.preset.esm-only.cjs',
  coverageDirectory: '../../coverage/apps/lambdas',
};
