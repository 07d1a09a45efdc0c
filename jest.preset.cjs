// Shared jest settings: SWC transforms TypeScript to CommonJS for jest, and the
// custom export condition lets tests import sibling libraries from source (no build first).
module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: {
    customExportConditions: ['@mediaflow/source', 'node', 'require', 'default'],
  },
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  // Source uses NodeNext-style relative imports ending in .js; map them back to the .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Packages that ship ES modules only are transformed to CommonJS like our own sources.
  transformIgnorePatterns: ['/node_modules/(?!(thumbhash)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/?(*.)+(spec|test|medium).ts'],
  // Jest's 5 s default is a wall-clock limit: on a 2-core machine running every project at once,
  // medium tests against SQLite, dynalite or the file system have taken longer than that without
  // anything being wrong. A test that hangs still fails, after 30 s; speed is measured in benchmarks.
  testTimeout: 30_000,
};
