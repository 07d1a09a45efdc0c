// The shared preset (jest.preset.cjs) for projects whose sources reach packages that ship ES
// modules only: thumbhash (the image pipeline) and music-metadata with its dependencies (the audio
// and video pipelines). SWC turns them into CommonJS like our own sources. music-metadata and file-type offer their Node
// entry points under `import`/`module-sync` only, with no `require`, so the preset's export
// conditions gain `module-sync`; only those two packages in the tree use it.
//
//   module.exports = { displayName: 'cli', preset: '../../jest.preset.esm-only.cjs' };
const base = require('./jest.preset.cjs');

const esmOnly = [
  'thumbhash',
  'music-metadata',
  'file-type',
  'strtok3',
  'token-types',
  'uint8array-extras',
  'win-guid',
  '@tokenizer/inflate',
  '@borewit/text-codec',
];

module.exports = {
  ...base,
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testEnvironmentOptions: {
    ...base.testEnvironmentOptions,
    customExportConditions: ['@mediaflow/source', 'node', 'require', 'default', 'module-sync'],
  },
};
