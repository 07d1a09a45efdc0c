/**
 * SNS subscription filter policies. With the `MessageAttributes` scope the policy's keys name message
 * attributes (String, Number, and String.Array holding a JSON array); with `MessageBody` they walk the
 * JSON body, nested keys included.
 */
import { compileObjectPattern, type ContentValue } from './content-filter.js';

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/** A message attribute as SNS and SQS carry it. `BinaryValue` is raw bytes. */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

export type MessageAttributes = Record<string, MessageAttribute>;

/** What a filter policy looks at. */
export interface FilterableMessage {
  body: string;
  attributes: MessageAttributes;
}

export type MessageFilter = (message: FilterableMessage) => boolean;

/**
 * The values a policy compares message attributes with: a Number is compared as a number, a
 * String.Array as the elements of its JSON array (any element may match). Binary attributes take no
 * part in filtering, so a policy naming one sees it as absent.
 */
export function attributeValues(attributes: MessageAttributes): Record<string, ContentValue> {
  const values: Record<string, ContentValue> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    const text = attribute.StringValue;
    if (text === undefined) continue;
    const type = attribute.DataType.split('.')[0];
    if (attribute.DataType === 'String.Array') {
      values[name] = parseArray(text) ?? text;
    } else if (type === 'Number' && Number.isFinite(Number(text))) {
      values[name] = Number(text);
    } else if (type === 'String' || type === 'Number') {
      values[name] = text;
    }
  }
  return values;
}

function parseArray(text: string): ContentValue[] | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? (parsed as ContentValue[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Compiles a subscription's filter policy; no policy (or `{}`) lets every message through.
 *
 * @throws PatternError for an operator the simulator does not emulate or a malformed policy.
 * @example
 * const matches = compileFilterPolicy({ type: ['media.uploaded'], kind: ['image'] }, 'MessageAttributes');
 * matches({ body: '{}', attributes: { type: { DataType: 'String', StringValue: 'media.uploaded' } } }); // false: no kind
 */
export function compileFilterPolicy(policy: Record<string, unknown> | undefined, scope: FilterPolicyScope = 'MessageAttributes'): MessageFilter {
  if (policy === undefined || Object.keys(policy).length === 0) return () => true;
  const what = `filter policy ${JSON.stringify(policy)}`;
  if (scope === 'MessageAttributes') {
    const matches = compileObjectPattern(policy, { what, nested: false });
    return (message) => matches(attributeValues(message.attributes));
  }
  const matches = compileObjectPattern(policy, { what, nested: true });
  return (message) => {
    let body: ContentValue;
    try {
      body = JSON.parse(message.body) as ContentValue;
    } catch {
      // A body that is not JSON has none of the keys a body-scope policy names.
      return false;
    }
    return matches(body);
  };
}
