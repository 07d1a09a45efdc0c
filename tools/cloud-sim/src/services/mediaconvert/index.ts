export {
  createMediaConvert,
  MEDIACONVERT_SERVICE_PRINCIPAL,
  type JobObjectStore,
  type JobStatus,
  type JobSummary,
  type MediaConvert,
  type MediaConvertEvent,
  type MediaConvertOptions,
} from './service.js';
export { JOB_ERROR_CODES, JobFailure, MediaConvertApiError, UnsupportedSettingError, type MediaConvertErrorType } from './errors.js';
export { planJob, parseS3Uri, captureKey, segmentKey, s3Uri, type JobPlan, type PlannedGroup, type PlannedOutput, type S3Location } from './plan.js';
