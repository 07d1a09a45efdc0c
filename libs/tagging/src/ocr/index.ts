export { decodeForGate, DEFAULT_TEXT_GATE, textLikely, type GreyPixels, type TextGateOptions, type TextGateVerdict } from './gate.js';
export { ENGLISH_MODEL_DIR, OCR_WORKER_FILE, ocrFiles, type OcrFiles } from './paths.js';
export { engineOptions, linesOf, OnDeviceTextReader, OnDeviceTextReaderOptionsSchema, type OnDeviceTextReaderOptions } from './reader.js';
export { cutAtWord, DEFAULT_KEEP_WORDS, keepWords, type KeepWordsOptions, type ReadWord } from './words.js';
