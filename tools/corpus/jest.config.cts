// Sources here reach packages that ship ES modules only (see jest.preset.esm-only.cjs).
module.exports = {
  displayName: 'corpus',
  preset: '../../jest.preset.esm-only.cjs',
  coverageDirectory: '../../coverage/tools/corpus',
};
