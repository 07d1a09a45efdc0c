export { COCO_CLASSES, cocoClass, type CocoClass } from './coco.js';
export { decodeForDetector, type DecodeOptions, type RgbPixels } from './decode.js';
export { imageStatistics, judgePhotograph, PHOTOGRAPH_RULE, type ImageStatistics, type PhotographRule, type PhotographVerdict } from './image-stats.js';
export { analyse, toTaggerResult, type MapOptions, type OnDeviceAnalysis, type RawDetections } from './map.js';
export { OBJECT_RULES, overlap, selectObjects, thresholdOf, type Box, type KeptObject, type ObjectRules, type RawObject } from './objects.js';
export { OnDeviceTagger, OnDeviceTaggerOptionsSchema, type OnDeviceModelInfo, type OnDeviceTaggerOptions } from './tagger.js';
export { onDeviceWorkerPath, WORKER_FILE } from './worker-path.js';
