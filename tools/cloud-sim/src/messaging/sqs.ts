/**
 * The SQS service behind the gateway, speaking the AWS JSON 1.0 protocol the SDK's SQS client uses
 * (`x-amz-target: AmazonSQS.<Action>`). Errors carry both the JSON `__type` and the
 * `x-amzn-query-error` header, from which the SDK reads the error's code.
 */
import type { Authorization, AwsRequest, AwsResponse, ServiceHandler, SimAccount } from '../types.js';
import { jsonResponse, parseJsonBody, senderIdOf } from './aws-responses.js';
import { SqsError, UnknownQueueError } from './errors.js';
import type { MessageAttribute, MessageAttributes } from './filter-policy.js';
import { isValidMessageText, MAX_SQS_MESSAGE_BYTES, md5OfMessageAttributes, messageSize } from './sqs-messages.js';
import type { ReceivedMessage, SqsQueues } from './sqs-queues.js';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AmazonSQS.';

/** The IAM action of each operation (the batch forms need their single form's permission). */
const ACTIONS: Record<string, string> = {
  SendMessage: 'sqs:SendMessage',
  SendMessageBatch: 'sqs:SendMessage',
  ReceiveMessage: 'sqs:ReceiveMessage',
  DeleteMessage: 'sqs:DeleteMessage',
  DeleteMessageBatch: 'sqs:DeleteMessage',
  ChangeMessageVisibility: 'sqs:ChangeMessageVisibility',
  ChangeMessageVisibilityBatch: 'sqs:ChangeMessageVisibility',
  GetQueueAttributes: 'sqs:GetQueueAttributes',
  GetQueueUrl: 'sqs:GetQueueUrl',
  PurgeQueue: 'sqs:PurgeQueue',
};

const QUEUE_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'DelaySeconds',
  'LastModifiedTimestamp',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'Policy',
  'QueueArn',
  'ReceiveMessageWaitTimeSeconds',
  'RedrivePolicy',
  'VisibilityTimeout',
  'FifoQueue',
  'SqsManagedSseEnabled',
];

function invalid(message: string): SqsError {
  return new SqsError('com.amazonaws.sqs#InvalidParameterValue', 'InvalidParameterValue', message);
}

function errorResponse(error: SqsError): AwsResponse {
  return jsonResponse(CONTENT_TYPE, { __type: error.type, message: error.message }, error.status, {
    'x-amzn-query-error': `${error.code};Sender`,
  });
}

function queueDoesNotExist(): SqsError {
  return new SqsError('com.amazonaws.sqs#QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
}

interface Call {
  operation: string;
  input: Record<string, unknown>;
}

function readCall(request: AwsRequest): Call | undefined {
  const target = request.headers['x-amz-target'];
  if (!target?.startsWith(TARGET_PREFIX)) return undefined;
  const input = parseJsonBody(request.body);
  return input ? { operation: target.slice(TARGET_PREFIX.length), input } : undefined;
}

function optionalString(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a string.`);
  return value;
}

function requiredString(input: Record<string, unknown>, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined) throw new SqsError('com.amazonaws.sqs#MissingParameter', 'MissingParameter', `The request must contain the parameter ${name}.`);
  return value;
}

function optionalInteger(input: Record<string, unknown>, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`${name} must be an integer.`);
  return value;
}

function stringList(input: Record<string, unknown>, name: string): string[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalid(`${name} must be a list of strings.`);
  return value;
}

/** `MessageAttributes` of a JSON request, checked as SQS checks them. */
export function parseMessageAttributes(value: unknown): MessageAttributes {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('MessageAttributes must be a map.');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 10) throw invalid('Number of message attributes [' + entries.length + '] exceeds the allowed maximum [10].');
  const attributes: MessageAttributes = {};
  for (const [name, raw] of entries) {
    const { DataType, StringValue, BinaryValue } = (raw ?? {}) as Record<string, unknown>;
    if (typeof DataType !== 'string' || !/^(String|Number|Binary)(\..+)?$/.test(DataType)) {
      throw invalid(`The message attribute '${name}' has an invalid message attribute type.`);
    }
    const attribute: MessageAttribute = { DataType };
    if (DataType.startsWith('Binary')) {
      if (typeof BinaryValue !== 'string') throw invalid(`The message attribute '${name}' must contain a non-empty message attribute value for message attribute type '${DataType}'.`);
      attribute.BinaryValue = Buffer.from(BinaryValue, 'base64');
    } else {
      if (typeof StringValue !== 'string' || StringValue === '') {
        throw invalid(`The message attribute '${name}' must contain a non-empty message attribute value for message attribute type '${DataType}'.`);
      }
      if (DataType.startsWith('Number') && !Number.isFinite(Number(StringValue))) throw invalid(`The message attribute '${name}' has an invalid number value.`);
      if (!isValidMessageText(StringValue)) throw new SqsError('com.amazonaws.sqs#InvalidMessageContents', 'InvalidMessageContents', `Invalid characters in message attribute '${name}'.`);
      attribute.StringValue = StringValue;
    }
    attributes[name] = attribute;
  }
  return attributes;
}

function attributesJson(attributes: MessageAttributes): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    out[name] =
      attribute.BinaryValue === undefined
        ? { DataType: attribute.DataType, StringValue: attribute.StringValue ?? '' }
        : { DataType: attribute.DataType, BinaryValue: attribute.BinaryValue.toString('base64') };
  }
  return out;
}

/** Whether a requested attribute name (`All`, `.*`, `prefix.*`, or a name) asks for `name`. */
function requested(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) => pattern === 'All' || pattern === '.*' || pattern === name || (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))));
}

export interface SqsHandlerOptions {
  queues: SqsQueues;
  account: SimAccount;
}

/** The `sqs` service handler over the stage's queues. */
export function createSqsHandler({ queues, account }: SqsHandlerOptions): ServiceHandler {
  const createdAt = String(Math.floor(queues.clock.now() / 1000));

  function arnOfUrl(url: string): string | undefined {
    const known = queues.arnOfUrl(url);
    if (known) return known;
    // An unknown queue still gets an ARN, so IAM decides before the caller learns it does not exist.
    try {
      const [owner, name] = new URL(url).pathname.split('/').filter(Boolean).slice(-2);
      if (owner && name) return `arn:${account.partition}:sqs:${account.region}:${owner}:${name}`;
    } catch {
      return undefined;
    }
    return undefined;
  }

  function queueArn(input: Record<string, unknown>): string {
    const arn = arnOfUrl(requiredString(input, 'QueueUrl'));
    if (arn === undefined || !queues.has(arn)) throw queueDoesNotExist();
    return arn;
  }

  function checkBody(body: string, attributes: MessageAttributes): void {
    if (body.length === 0) throw invalid('The request must contain the parameter MessageBody.');
    if (!isValidMessageText(body)) {
      throw new SqsError('com.amazonaws.sqs#InvalidMessageContents', 'InvalidMessageContents', 'Invalid characters found in the message body.');
    }
    if (messageSize(body, attributes) > MAX_SQS_MESSAGE_BYTES) {
      throw invalid(`One or more parameters are invalid. Reason: Message must be shorter than ${MAX_SQS_MESSAGE_BYTES} bytes.`);
    }
  }

  function send(arn: string, entry: Record<string, unknown>, request: AwsRequest): Record<string, string> {
    const body = requiredString(entry, 'MessageBody');
    const messageAttributes = parseMessageAttributes(entry['MessageAttributes']);
    checkBody(body, messageAttributes);
    const delaySeconds = optionalInteger(entry, 'DelaySeconds');
    if (delaySeconds !== undefined && (delaySeconds < 0 || delaySeconds > 900)) throw invalid('DelaySeconds must be between 0 and 900.');
    const result = queues.enqueue(arn, body, {
      messageAttributes,
      senderId: senderIdOf(request.principal),
      ...(delaySeconds === undefined ? {} : { delaySeconds }),
    });
    return {
      MessageId: result.messageId,
      MD5OfMessageBody: result.md5OfBody,
      ...(result.md5OfMessageAttributes === undefined ? {} : { MD5OfMessageAttributes: result.md5OfMessageAttributes }),
    };
  }

  function batchEntries(input: Record<string, unknown>): Array<Record<string, unknown> & { Id: string }> {
    const entries = input['Entries'];
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new SqsError('com.amazonaws.sqs#EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', 'There should be at least one entry in the request.');
    }
    if (entries.length > 10) {
      throw new SqsError('com.amazonaws.sqs#TooManyEntriesInBatchRequest', 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${entries.length}.`);
    }
    const ids = new Set<string>();
    for (const entry of entries as Array<Record<string, unknown>>) {
      const id = entry?.['Id'];
      if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
        throw new SqsError('com.amazonaws.sqs#InvalidBatchEntryId', 'AWS.SimpleQueueService.InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
      }
      if (ids.has(id)) {
        throw new SqsError('com.amazonaws.sqs#BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
      }
      ids.add(id);
    }
    return entries as Array<Record<string, unknown> & { Id: string }>;
  }

  function eachEntry(
    entries: Array<Record<string, unknown> & { Id: string }>,
    run: (entry: Record<string, unknown>) => Record<string, string>,
  ): { Successful: Array<Record<string, string>>; Failed: Array<Record<string, unknown>> } {
    const Successful: Array<Record<string, string>> = [];
    const Failed: Array<Record<string, unknown>> = [];
    for (const entry of entries) {
      try {
        Successful.push({ Id: entry.Id, ...run(entry) });
      } catch (error) {
        if (!(error instanceof SqsError)) throw error;
        Failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
      }
    }
    return { Successful, Failed };
  }

  function messageJson(message: ReceivedMessage, systemNames: string[], attributeNames: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {
      MessageId: message.messageId,
      ReceiptHandle: message.receiptHandle,
      MD5OfBody: message.md5OfBody,
      Body: message.body,
    };
    const attributes = Object.fromEntries(Object.entries(message.attributes).filter(([name]) => requested(systemNames, name)));
    if (Object.keys(attributes).length > 0) out['Attributes'] = attributes;
    const chosen = Object.fromEntries(Object.entries(message.messageAttributes).filter(([name]) => requested(attributeNames, name)));
    const md5 = md5OfMessageAttributes(chosen);
    if (md5 !== undefined) {
      out['MD5OfMessageAttributes'] = md5;
      out['MessageAttributes'] = attributesJson(chosen);
    }
    return out;
  }

  function queueAttributes(arn: string, names: string[]): Record<string, string> {
    for (const name of names) {
      if (name !== 'All' && !QUEUE_ATTRIBUTES.includes(name)) {
        throw new SqsError('com.amazonaws.sqs#InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${name}.`);
      }
    }
    const spec = queues.spec(arn);
    const depth = queues.depth(arn);
    const all: Record<string, string | undefined> = {
      ApproximateNumberOfMessages: String(depth.visible),
      ApproximateNumberOfMessagesNotVisible: String(depth.inFlight),
      ApproximateNumberOfMessagesDelayed: String(depth.delayed),
      CreatedTimestamp: createdAt,
      DelaySeconds: String(spec.delaySeconds),
      LastModifiedTimestamp: createdAt,
      MaximumMessageSize: String(MAX_SQS_MESSAGE_BYTES),
      MessageRetentionPeriod: String(spec.messageRetentionSeconds),
      Policy: spec.policy ? JSON.stringify(spec.policy) : undefined,
      QueueArn: spec.arn,
      ReceiveMessageWaitTimeSeconds: String(spec.receiveWaitTimeSeconds),
      RedrivePolicy: spec.redrive ? JSON.stringify(spec.redrive) : undefined,
      VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
      FifoQueue: spec.fifo ? 'true' : undefined,
      SqsManagedSseEnabled: 'true',
    };
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(all)) if (value !== undefined && requested(names, name)) out[name] = value;
    return out;
  }

  async function run(call: Call, request: AwsRequest): Promise<unknown> {
    const { operation, input } = call;
    switch (operation) {
      case 'SendMessage':
        return send(queueArn(input), input, request);
      case 'SendMessageBatch': {
        const arn = queueArn(input);
        const entries = batchEntries(input);
        const total = entries.reduce((sum, entry) => sum + messageSize(String(entry['MessageBody'] ?? ''), parseMessageAttributes(entry['MessageAttributes'])), 0);
        if (total > MAX_SQS_MESSAGE_BYTES) {
          throw new SqsError('com.amazonaws.sqs#BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_SQS_MESSAGE_BYTES} bytes.`);
        }
        return eachEntry(entries, (entry) => send(arn, entry, request));
      }
      case 'ReceiveMessage': {
        const arn = queueArn(input);
        const visibility = optionalInteger(input, 'VisibilityTimeout');
        const wait = optionalInteger(input, 'WaitTimeSeconds');
        const max = optionalInteger(input, 'MaxNumberOfMessages');
        const messages = await queues.receive(arn, {
          ...(max === undefined ? {} : { maxMessages: max }),
          ...(wait === undefined ? {} : { waitTimeSeconds: wait }),
          ...(visibility === undefined ? {} : { visibilityTimeoutSeconds: visibility }),
        });
        const systemNames = [...stringList(input, 'AttributeNames'), ...stringList(input, 'MessageSystemAttributeNames')];
        const attributeNames = stringList(input, 'MessageAttributeNames');
        return messages.length === 0 ? {} : { Messages: messages.map((message) => messageJson(message, systemNames, attributeNames)) };
      }
      case 'DeleteMessage':
        queues.deleteMessage(queueArn(input), requiredString(input, 'ReceiptHandle'));
        return {};
      case 'DeleteMessageBatch': {
        const arn = queueArn(input);
        return eachEntry(batchEntries(input), (entry) => {
          queues.deleteMessage(arn, requiredString(entry, 'ReceiptHandle'));
          return {};
        });
      }
      case 'ChangeMessageVisibility': {
        const seconds = optionalInteger(input, 'VisibilityTimeout');
        if (seconds === undefined) throw invalid('The request must contain the parameter VisibilityTimeout.');
        queues.changeVisibility(queueArn(input), requiredString(input, 'ReceiptHandle'), seconds);
        return {};
      }
      case 'ChangeMessageVisibilityBatch': {
        const arn = queueArn(input);
        return eachEntry(batchEntries(input), (entry) => {
          const seconds = optionalInteger(entry, 'VisibilityTimeout');
          if (seconds === undefined) throw invalid('The request must contain the parameter VisibilityTimeout.');
          queues.changeVisibility(arn, requiredString(entry, 'ReceiptHandle'), seconds);
          return {};
        });
      }
      case 'GetQueueAttributes':
        return { Attributes: queueAttributes(queueArn(input), stringList(input, 'AttributeNames')) };
      case 'GetQueueUrl': {
        const arn = queues.arnOfName(requiredString(input, 'QueueName'), optionalString(input, 'QueueOwnerAWSAccountId'));
        if (arn === undefined) throw queueDoesNotExist();
        return { QueueUrl: queues.spec(arn).url };
      }
      case 'PurgeQueue':
        queues.purge(queueArn(input));
        return {};
      default:
        throw new SqsError('com.amazonaws.sqs#UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', `The simulator does not emulate ${operation}.`);
    }
  }

  return {
    authorizations(request: AwsRequest): Authorization[] {
      const call = readCall(request);
      if (!call) return [];
      const action = ACTIONS[call.operation] ?? `sqs:${call.operation}`;
      if (call.operation === 'GetQueueUrl') {
        const name = call.input['QueueName'];
        const owner = typeof call.input['QueueOwnerAWSAccountId'] === 'string' ? call.input['QueueOwnerAWSAccountId'] : account.accountId;
        return typeof name === 'string' ? [{ action, resource: `arn:${account.partition}:sqs:${account.region}:${owner}:${name}` }] : [];
      }
      const url = call.input['QueueUrl'];
      const arn = typeof url === 'string' ? arnOfUrl(url) : undefined;
      return arn === undefined ? [] : [{ action, resource: arn }];
    },

    async handle(request: AwsRequest): Promise<AwsResponse> {
      const call = readCall(request);
      if (!call) {
        return errorResponse(new SqsError('com.amazonaws.sqs#InvalidAction', 'InvalidAction', 'The request is not an AWS JSON 1.0 SQS call (x-amz-target AmazonSQS.<Action> with a JSON body).'));
      }
      try {
        return jsonResponse(CONTENT_TYPE, await run(call, request));
      } catch (error) {
        if (error instanceof SqsError) return errorResponse(error);
        if (error instanceof UnknownQueueError) return errorResponse(queueDoesNotExist());
        throw error;
      }
    },

    denied(_request: AwsRequest, message: string): AwsResponse {
      return jsonResponse(CONTENT_TYPE, { __type: 'com.amazon.coral.service#AccessDeniedException', message }, 403, { 'x-amzn-query-error': 'AccessDenied;Sender' });
    },
  };
}
