// The MediaConvert stand-in's tests build jobs with the video pipeline, whose audio half loads
// music-metadata and its dependencies: packages that ship ES modules only, turned into CommonJS
// like our own sources.
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
  displayName: 'cloud-sim',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/tools/cloud-sim',
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testEnvironmentOptions: {
    customExportConditions: ['@mediaflow/source', 'node', 'require', 'default', 'module-sync'],
  },
};
