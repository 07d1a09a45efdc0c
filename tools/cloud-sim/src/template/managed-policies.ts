import type { PolicyDocument } from '../specs.js';

/**
 * AWS managed policies the stage's roles attach, spelled out as AWS publishes them, so a role that
 * relies on one is evaluated with its real grants. An unknown managed policy grants nothing here
 * (the report says so), which errs towards finding a missing grant.
 */
export const MANAGED_POLICIES: Record<string, PolicyDocument> = {
  'service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  },
};
