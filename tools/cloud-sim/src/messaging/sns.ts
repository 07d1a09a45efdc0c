/**
 * SNS: the stage's topics fan published messages out to their subscriptions whose filter policies
 * match. The service handler speaks the query protocol the SDK's SNS client uses (form-encoded
 * request, XML response).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SubscriptionSpec, TopicSpec } from '../specs.js';
import type { Authorization, AwsRequest, AwsResponse, Invoker, ServiceHandler, SimAccount, SimLog } from '../types.js';
import type { Activity } from './activity.js';
import { requestId, SERVICE_SENDER_IDS, xmlEscape } from './aws-responses.js';
import type { MessagingClock } from './clock.js';
import { compileFilterPolicy, type MessageAttribute, type MessageAttributes, type MessageFilter } from './filter-policy.js';
import { formList, formString, formTree, queryParameters, type FormValue } from './query-protocol.js';
import type { SqsQueues } from './sqs-queues.js';

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const MAX_MESSAGE_BYTES = 256 * 1024;
const SNS_SERVICE = 'sns.amazonaws.com';

/**
 * Whether a resource policy lets an AWS service act for a source (`sns.amazonaws.com` sending to a
 * queue for a topic). The stage answers it from the queue's policy or the function's permissions.
 */
export type AuthorizeDelivery = (service: string, sourceArn: string, action: string, resourceArn: string) => boolean;

/** What SNS and EventBridge deliver with: the queues and functions of the stage, and its policies, log and clock. */
export interface DeliveryOptions {
  queues: SqsQueues;
  invoker: Invoker;
  authorizeDelivery: AuthorizeDelivery;
  account: SimAccount;
  log: SimLog;
  clock: MessagingClock;
  activity: Activity;
}

export interface PublishInput {
  message: string;
  subject?: string;
  attributes?: MessageAttributes;
  /** `json`: `message` is a JSON object with a `default` text and per-protocol texts (`sqs`, `lambda`). */
  messageStructure?: string;
}

/** A refusal SNS answers with a query-protocol error. */
export class SnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SnsError';
  }
}

export interface SnsTopicsOptions extends DeliveryOptions {
  topics: readonly TopicSpec[];
  subscriptions: readonly SubscriptionSpec[];
}

interface Subscription {
  spec: SubscriptionSpec;
  arn: string;
  matches: MessageFilter;
}

/** A subscription ARN as SNS forms it: the topic ARN and a UUID (here derived from the logical id). */
function subscriptionArn(spec: SubscriptionSpec): string {
  const hex = createHash('sha256').update(spec.logicalId).digest('hex');
  return `${spec.topicArn}:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function functionNameOf(functionArn: string): string {
  const parts = functionArn.split(':');
  return parts[0] === 'arn' ? (parts[6] ?? functionArn) : functionArn;
}

/** The topics of the stage and the delivery of what is published to them. */
export class SnsTopics {
  private readonly topics = new Map<string, TopicSpec>();
  private readonly subscriptions: Subscription[];

  constructor(private readonly options: SnsTopicsOptions) {
    for (const topic of options.topics) this.topics.set(topic.arn, topic);
    this.subscriptions = options.subscriptions.map((spec) => ({
      spec,
      arn: subscriptionArn(spec),
      matches: compileFilterPolicy(spec.filterPolicy, spec.filterPolicyScope),
    }));
  }

  has(topicArn: string): boolean {
    return this.topics.has(topicArn);
  }

  /**
   * Publishes to a topic and delivers to every matching subscription: queues at once, functions as
   * asynchronous invocations (counted by `Activity` until they return). A delivery the endpoint's
   * policy refuses is dropped and logged, as SNS drops it without telling the publisher.
   *
   * @returns the message id.
   */
  publish(topicArn: string, input: PublishInput): string {
    if (!this.topics.has(topicArn)) throw new SnsError('NotFound', 'Topic does not exist', 404);
    const texts = this.texts(input);
    const size = Buffer.byteLength(input.message) + attributesSize(input.attributes ?? {});
    if (size > MAX_MESSAGE_BYTES) throw new SnsError('InvalidParameter', 'Invalid parameter: Message too long');
    const messageId = randomUUID();
    const timestamp = new Date(this.options.clock.now()).toISOString();
    const attributes = input.attributes ?? {};
    for (const subscription of this.subscriptions) {
      if (subscription.spec.topicArn !== topicArn) continue;
      const message = texts(subscription.spec.protocol);
      if (!subscription.matches({ body: message, attributes })) continue;
      const notification = { messageId, topicArn, message, timestamp, attributes, ...(input.subject === undefined ? {} : { subject: input.subject }) };
      this.deliver(subscription, notification);
    }
    return messageId;
  }

  private texts(input: PublishInput): (protocol: string) => string {
    if (input.messageStructure === undefined) return () => input.message;
    if (input.messageStructure !== 'json') throw new SnsError('InvalidParameter', 'Invalid parameter: MessageStructure');
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.message);
    } catch {
      throw new SnsError('InvalidParameter', 'Invalid parameter: Message Structure - JSON message body failed to parse');
    }
    const byProtocol = parsed as Record<string, unknown>;
    if (typeof byProtocol !== 'object' || byProtocol === null || typeof byProtocol['default'] !== 'string') {
      throw new SnsError('InvalidParameter', 'Invalid parameter: Message Structure - No default entry in JSON message body');
    }
    return (protocol) => {
      const text = byProtocol[protocol];
      return typeof text === 'string' ? text : (byProtocol['default'] as string);
    };
  }

  private deliver(subscription: Subscription, notification: Notification): void {
    const { spec } = subscription;
    const { authorizeDelivery, log } = this.options;
    const action = spec.protocol === 'sqs' ? 'sqs:SendMessage' : spec.protocol === 'lambda' ? 'lambda:InvokeFunction' : undefined;
    if (action === undefined) {
      log({ kind: 'dropped', source: 'sns', message: `${spec.protocol} subscriptions are not emulated; ${spec.endpoint} gets nothing`, detail: { subscription: spec.logicalId } });
      return;
    }
    if (!authorizeDelivery(SNS_SERVICE, spec.topicArn, action, spec.endpoint)) {
      log({
        kind: 'dropped',
        source: 'sns',
        message: `the policy of ${spec.endpoint} does not let ${SNS_SERVICE} ${action} for ${spec.topicArn}; message ${notification.messageId} dropped`,
        detail: { subscription: spec.logicalId, topicArn: spec.topicArn, endpoint: spec.endpoint, action, messageId: notification.messageId },
      });
      return;
    }
    if (spec.protocol === 'sqs') {
      if (!this.options.queues.has(spec.endpoint)) {
        log({ kind: 'dropped', source: 'sns', message: `no queue ${spec.endpoint} in the stage; message ${notification.messageId} dropped` });
        return;
      }
      const body = spec.rawMessageDelivery ? notification.message : JSON.stringify(envelope(notification, subscription.arn, this.options.account));
      this.options.queues.enqueue(spec.endpoint, body, {
        ...(spec.rawMessageDelivery ? { messageAttributes: notification.attributes } : {}),
        senderId: SERVICE_SENDER_IDS[SNS_SERVICE] as string,
      });
      return;
    }
    const event = { Records: [lambdaRecord(notification, subscription.arn, this.options.account)] };
    const functionName = functionNameOf(spec.endpoint);
    void this.options.activity.track(
      this.options.invoker.invoke(functionName, event, { type: 'Event' }).then(
        (result) => {
          if (result.error) log({ kind: 'invoke-error', source: 'sns', message: `${functionName}: ${result.error.errorType}: ${result.error.errorMessage}` });
        },
        (error: unknown) => log({ kind: 'invoke-error', source: 'sns', message: `${functionName}: ${String(error)}` }),
      ),
    );
  }
}

export interface Notification {
  messageId: string;
  topicArn: string;
  message: string;
  subject?: string;
  timestamp: string;
  attributes: MessageAttributes;
}

function attributesSize(attributes: MessageAttributes): number {
  let size = 0;
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType) + (attribute.BinaryValue?.length ?? Buffer.byteLength(attribute.StringValue ?? ''));
  }
  return size;
}

function envelopeAttributes(attributes: MessageAttributes): Record<string, { Type: string; Value: string }> {
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    out[name] = { Type: attribute.DataType, Value: attribute.BinaryValue?.toString('base64') ?? attribute.StringValue ?? '' };
  }
  return out;
}

/**
 * Stand-ins for SNS's signature fields. Nothing in the product verifies them; they are here so a body
 * has the envelope's full shape.
 */
function signatureFields(notification: Notification, subscriptionArnValue: string, account: SimAccount) {
  const host = `https://sns.${account.region}.amazonaws.com`;
  return {
    SignatureVersion: '1',
    Signature: createHash('sha256').update(`${notification.messageId}\n${notification.message}`).digest('base64'),
    SigningCertURL: `${host}/SimpleNotificationService-cloud-sim.pem`,
    UnsubscribeURL: `${host}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArnValue)}`,
  };
}

/** The JSON body a queue gets from a subscription without raw message delivery. */
export function envelope(notification: Notification, subscriptionArnValue: string, account: SimAccount): Record<string, unknown> {
  const attributes = envelopeAttributes(notification.attributes);
  return {
    Type: 'Notification',
    MessageId: notification.messageId,
    TopicArn: notification.topicArn,
    ...(notification.subject === undefined ? {} : { Subject: notification.subject }),
    Message: notification.message,
    Timestamp: notification.timestamp,
    ...signatureFields(notification, subscriptionArnValue, account),
    ...(Object.keys(attributes).length === 0 ? {} : { MessageAttributes: attributes }),
  };
}

function lambdaRecord(notification: Notification, subscriptionArnValue: string, account: SimAccount): Record<string, unknown> {
  const signature = signatureFields(notification, subscriptionArnValue, account);
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: subscriptionArnValue,
    Sns: {
      Type: 'Notification',
      MessageId: notification.messageId,
      TopicArn: notification.topicArn,
      Subject: notification.subject ?? null,
      Message: notification.message,
      Timestamp: notification.timestamp,
      SignatureVersion: signature.SignatureVersion,
      Signature: signature.Signature,
      SigningCertUrl: signature.SigningCertURL,
      UnsubscribeUrl: signature.UnsubscribeURL,
      MessageAttributes: envelopeAttributes(notification.attributes),
    },
  };
}

/** `MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue,Value.BinaryValue}`, checked as SNS checks them. */
function readAttributes(entries: FormValue | undefined): MessageAttributes {
  const attributes: MessageAttributes = {};
  for (const entry of formList(entries)) {
    const name = formString(entry, 'Name');
    const value = typeof entry === 'object' && !Array.isArray(entry) ? entry['Value'] : undefined;
    const dataType = formString(value, 'DataType');
    if (!name || !dataType) throw new SnsError('ParameterValueInvalid', 'The message attribute name and data type are required.');
    if (!/^(String|Number|Binary)(\..+)?$/.test(dataType)) {
      throw new SnsError('ParameterValueInvalid', `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    const attribute: MessageAttribute = { DataType: dataType };
    if (dataType.startsWith('Binary')) {
      const binary = formString(value, 'BinaryValue');
      if (binary === undefined) throw new SnsError('ParameterValueInvalid', `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`);
      attribute.BinaryValue = Buffer.from(binary, 'base64');
    } else {
      const text = formString(value, 'StringValue');
      if (text === undefined || text === '') {
        throw new SnsError('ParameterValueInvalid', `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`);
      }
      if (dataType.startsWith('Number') && !Number.isFinite(Number(text))) {
        throw new SnsError('ParameterValueInvalid', `Could not cast message attribute '${name}' value to number.`);
      }
      if (dataType === 'String.Array' && !isJsonArray(text)) {
        throw new SnsError('ParameterValueInvalid', `The message attribute '${name}' with type 'String.Array' must use a JSON array of strings, numbers, booleans or null.`);
      }
      attribute.StringValue = text;
    }
    attributes[name] = attribute;
  }
  return attributes;
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

function readPublish(node: FormValue | undefined): PublishInput {
  const message = formString(node, 'Message');
  if (message === undefined || message === '') throw new SnsError('InvalidParameter', 'Invalid parameter: Empty message');
  const subject = formString(node, 'Subject');
  const structure = formString(node, 'MessageStructure');
  const attributes = typeof node === 'object' && !Array.isArray(node) ? node['MessageAttributes'] : undefined;
  return {
    message,
    attributes: readAttributes(attributes),
    ...(subject === undefined ? {} : { subject }),
    ...(structure === undefined ? {} : { messageStructure: structure }),
  };
}

function xml(action: string, result: string): AwsResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId() },
    body: `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

function errorXml(code: string, message: string, status: number): AwsResponse {
  const id = requestId();
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id },
    body: `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
  };
}

function batchEntries(node: FormValue | undefined): FormValue[] {
  const entries = formList(node);
  if (entries.length === 0) throw new SnsError('EmptyBatchRequest', 'The batch request doesn\u2019t contain any entries.');
  if (entries.length > 10) throw new SnsError('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.');
  const ids = new Set<string>();
  for (const entry of entries) {
    const id = formString(entry, 'Id');
    if (id === undefined || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) throw new SnsError('InvalidBatchEntryId', 'The Id of a batch entry in a batch request doesn\u2019t abide by the specification.');
    if (ids.has(id)) throw new SnsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
    ids.add(id);
  }
  return entries;
}

/** The `sns` service handler: Publish and PublishBatch. */
export function createSnsHandler(topics: SnsTopics): ServiceHandler {
  function run(action: string | undefined, params: ReturnType<typeof formTree>): AwsResponse {
    const topicArn = formString(params, 'TopicArn') ?? formString(params, 'TargetArn');
    if (action === 'Publish') {
      if (topicArn === undefined) throw new SnsError('InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
      const input = readPublish(params);
      return xml('Publish', `<MessageId>${topics.publish(topicArn, input)}</MessageId>`);
    }
    if (action === 'PublishBatch') {
      if (topicArn === undefined) throw new SnsError('InvalidParameter', 'Invalid parameter: TopicArn');
      if (!topics.has(topicArn)) throw new SnsError('NotFound', 'Topic does not exist', 404);
      const successful: string[] = [];
      const failed: string[] = [];
      for (const entry of batchEntries(params['PublishBatchRequestEntries'])) {
        const id = xmlEscape(formString(entry, 'Id') as string);
        try {
          const messageId = topics.publish(topicArn, readPublish(entry));
          successful.push(`<member><Id>${id}</Id><MessageId>${messageId}</MessageId></member>`);
        } catch (error) {
          if (!(error instanceof SnsError)) throw error;
          failed.push(`<member><Id>${id}</Id><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message><SenderFault>true</SenderFault></member>`);
        }
      }
      return xml('PublishBatch', `<Successful>${successful.join('')}</Successful><Failed>${failed.join('')}</Failed>`);
    }
    throw new SnsError('InvalidAction', `The action ${action ?? '(none)'} is not valid for this endpoint.`);
  }

  return {
    authorizations(request: AwsRequest): Authorization[] {
      const params = queryParameters(request);
      const action = params.get('Action');
      const topicArn = params.get('TopicArn') ?? params.get('TargetArn');
      if (action === null || topicArn === null) return [];
      // PublishBatch is allowed by sns:Publish, as in AWS.
      return [{ action: action === 'PublishBatch' ? 'sns:Publish' : `sns:${action}`, resource: topicArn }];
    },

    async handle(request: AwsRequest): Promise<AwsResponse> {
      const params = queryParameters(request);
      try {
        return run(params.get('Action') ?? undefined, formTree(params));
      } catch (error) {
        if (error instanceof SnsError) return errorXml(error.code, error.message, error.status);
        throw error;
      }
    },

    denied(_request: AwsRequest, message: string): AwsResponse {
      return errorXml('AuthorizationError', message, 403);
    },
  };
}
