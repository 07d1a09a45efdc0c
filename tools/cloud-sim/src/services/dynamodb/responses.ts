import { randomUUID } from 'node:crypto';
import type { AwsResponse } from '../../types.js';

/** DynamoDB's own errors live in its model namespace; authentication and access errors in Coral's. */
const DYNAMO_NAMESPACE = 'com.amazonaws.dynamodb.v20120810';

function json(status: number, body: object): AwsResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(body),
  };
}

export const ok = (body: object): AwsResponse => json(200, body);

/** `{"__type":"com.amazonaws.dynamodb.v20120810#<name>","message":...}` with status 400. */
export const dynamoError = (name: string, message: string, extra: object = {}): AwsResponse =>
  json(400, { __type: `${DYNAMO_NAMESPACE}#${name}`, message, ...extra });

export const validationError = (message: string): AwsResponse =>
  json(400, { __type: 'com.amazon.coral.validate#ValidationException', message });

export const serializationError = (): AwsResponse => json(400, { __type: 'com.amazon.coral.service#SerializationException' });

export const accessDenied = (message: string): AwsResponse =>
  json(400, { __type: 'com.amazon.coral.service#AccessDeniedException', Message: message });

export const resourceNotFound = (): AwsResponse => dynamoError('ResourceNotFoundException', 'Requested resource not found');
