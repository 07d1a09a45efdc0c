// The root preset with a browser environment and TSX: components render into jsdom.
const swc = (tsx: boolean) => [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx },
      target: 'es2022',
      transform: { react: { runtime: 'automatic' } },
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  displayName: 'web-gallery',
  preset: '../../jest.preset.cjs',
  testEnvironment: 'jsdom',
  testEnvironmentOptions: {
    customExportConditions: ['@mediaflow/source', 'browser', 'require', 'default'],
  },
  transform: {
    '^.+\\.tsx$': swc(true),
    '^.+\\.[tj]s$': swc(false),
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '\\.css$': '<rootDir>/src/test/style-stub.ts',
  },
  moduleFileExtensions: ['tsx', 'ts', 'js', 'json'],
  // Unit and component tests only: the browser run lives in e2e/ and is started by the e2e target.
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.spec.tsx'],
  setupFilesAfterEnv: ['<rootDir>/src/test/setup.ts'],
  coverageDirectory: '../../coverage/apps/web-gallery',
};
