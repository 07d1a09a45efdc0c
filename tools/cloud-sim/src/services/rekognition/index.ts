export { createRekognition, RekognitionError, type Rekognition, type RekognitionObjectStore, type RekognitionOptions } from './service.js';
export { closeOnDeviceDetector, onDeviceDetector, type Detection, type ImageDetector } from './detector.js';
export { MAX_INLINE_IMAGE_BYTES, MAX_S3_IMAGE_BYTES, sniffImageFormat } from './image.js';
