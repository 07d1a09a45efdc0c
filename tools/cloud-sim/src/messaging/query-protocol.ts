/**
 * The AWS query protocol's request side: form fields such as
 * `PublishBatchRequestEntries.member.1.MessageAttributes.entry.2.Value.StringValue` read back into
 * nested objects and lists (`member.N` and `entry.N` are list items, numbered from 1).
 */
import type { AwsRequest } from '../types.js';

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

function isIndex(segment: string | undefined): boolean {
  return segment !== undefined && /^[1-9]\d*$/.test(segment);
}

/** The request's parameters: the query string and, for a POST, the form-encoded body. */
export function queryParameters(request: AwsRequest): URLSearchParams {
  const params = new URLSearchParams(request.query);
  if (request.body.length > 0) {
    for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) params.append(name, value);
  }
  return params;
}

/**
 * Nests flat query parameters.
 *
 * @example
 * formTree(new URLSearchParams('A.member.1.B=x&A.member.2.B=y')); // { A: [{ B: 'x' }, { B: 'y' }] }
 */
export function formTree(params: URLSearchParams): FormObject {
  const root: FormObject = {};
  for (const [name, value] of params) {
    const segments = name.split('.');
    let node: FormObject | FormValue[] = root;
    for (let index = 0; index < segments.length; index += 1) {
      let key: string | number = segments[index] as string;
      if ((key === 'member' || key === 'entry') && isIndex(segments[index + 1])) continue;
      if (Array.isArray(node)) key = Number(key) - 1;
      const last = index === segments.length - 1;
      const listNext = (segments[index + 1] === 'member' || segments[index + 1] === 'entry') && isIndex(segments[index + 2]);
      const container = node as Record<string | number, FormValue>;
      if (last) {
        container[key] = value;
        break;
      }
      const existing = container[key];
      if (existing === undefined || typeof existing === 'string') container[key] = listNext ? [] : {};
      node = container[key] as FormObject | FormValue[];
    }
  }
  return root;
}

/** A string parameter of a form tree, if it is one. */
export function formString(node: FormValue | undefined, key: string): string | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  const value = node[key];
  return typeof value === 'string' ? value : undefined;
}

/** The items of a form list (holes from skipped indexes dropped). */
export function formList(node: FormValue | undefined): FormValue[] {
  return Array.isArray(node) ? node.filter((item) => item !== undefined) : [];
}
