// Packages that ship ES modules only (thumbhash for the image pipeline, music-metadata and its
// dependencies for the audio pipeline): SWC turns them into CommonJS like our own sources.
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
  displayName: 'cli',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/apps/cli',
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testEnvironmentOptions: {
    // music-metadata and file-type offer their Node entry points under `import`/`module-sync` only.
    customExportConditions: ['@mediaflow/source', 'node', 'require', 'default', 'module-sync'],
  },
};
