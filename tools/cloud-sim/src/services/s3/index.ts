export { startS3, type S3Options, type S3Simulator } from './s3-service.js';
export {
  eventKey,
  eventMatches,
  matchingNotifications,
  notificationRecord,
  type S3Notification,
  type S3ObjectCreatedName,
  type S3ObjectEvent,
  type S3ObjectRemovedName,
} from './notifications.js';
export { s3Authorizations, bucketArn, objectArn } from './authorizations.js';
export { routeRequest, type S3OperationName, type S3Route } from './route.js';
