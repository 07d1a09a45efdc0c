// Packages that ship ES modules only, reached through the image and audio pipelines' sources:
// SWC turns them into CommonJS like our own sources.
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
  displayName: 'lambdas',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/apps/lambdas',
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testEnvironmentOptions: {
    customExportConditions: ['@mediaflow/source', 'node', 'require', 'default', 'module-sync'],
  },
};
