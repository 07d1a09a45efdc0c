// The generator finds ffmpeg through the video pipeline, whose audio side loads music-metadata and
// its dependencies: packages that ship ES modules only, turned into CommonJS like our own sources.
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
  displayName: 'corpus',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/tools/corpus',
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testEnvironmentOptions: {
    // music-metadata and file-type offer their Node entry points under `import`/`module-sync` only.
    customExportConditions: ['@mediaflow/source', 'node', 'require', 'default', 'module-sync'],
  },
};
