// music-metadata and its dependencies ship ES modules only; SWC turns them into CommonJS like our
// own sources.
const esmOnly = [
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
  displayName: 'video-pipeline',
  preset: '../../jest.preset.cjs',
  coverageDirectory: '../../coverage/libs/video-pipeline',
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testEnvironmentOptions: {
    // The preset's conditions plus `module-sync`: music-metadata and file-type offer their Node
    // entry points under `import`/`module-sync` only, with no `require`, so without it jest cannot
    // resolve them at all. Only those two packages in the tree use the condition.
    customExportConditions: ['@mediaflow/source', 'node', 'require', 'default', 'module-sync'],
  },
  // Medium tests encode real video with ffmpeg on a 2-core machine.
  testTimeout: 120_000,
};
