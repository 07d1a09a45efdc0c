export { createRekognition, RekognitionError, type Rekognition, type RekognitionObjectStore, type RekognitionOptions } from './service.js';
export { closeOnDeviceDetector, COUNTED_FACE_CONFIDENCE, onDeviceDetector, onDeviceTextDetector, type Detection, type ImageDetector, type TextDetector } from './detector.js';
export { MAX_INLINE_IMAGE_BYTES, MAX_S3_IMAGE_BYTES, sniffImageFormat } from './image.js';
