export { decodeForDetector, type DecodeOptions, type RgbPixels } from './decode.js';
export { toTaggerResult, type MapOptions, type RawDetections } from './map.js';
export { OnDeviceTagger, OnDeviceTaggerOptionsSchema, type OnDeviceModelInfo, type OnDeviceTaggerOptions } from './tagger.js';
export { onDeviceWorkerPath, WORKER_FILE } from './worker-path.js';
