module.exports = {
  displayName: 'infra',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/apps/infra',
  testEnvironmentOptions: {
    customExportConditions: ['@mediaflow/source', 'node', 'require', 'default', 'module-sync'],
  },
};
