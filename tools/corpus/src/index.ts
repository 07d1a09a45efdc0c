export { buildCorpus, corpusCases } from './corpus.js';
export { XSS_MARKER } from './cases.js';
export { findPngChunk, mp4Boxes, zipClaimedBytes } from './bytes.js';
export { CorpusToolError, exiftoolRead } from './tools.js';
export type { CaseGroup, CorpusCase, CorpusEntry, CorpusOptions, Expectation, FailureCode, Kind, Outcome } from './types.js';
