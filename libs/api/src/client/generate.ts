import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiParameter } from '../openapi.js';

// Writes the typed client of an OpenAPI 3.0 document: a TypeScript type per component schema and
// one method per operation over `fetch`. It knows exactly the JSON Schema that zod's
// `toJSONSchema` writes for this API, and throws on anything else rather than guess a type.

const REF = '#/components/schemas/';

/** Keywords that constrain values but not their TypeScript type. */
const IGNORED = new Set([
  'description',
  'title',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'default',
  'examples',
  'readOnly',
  'writeOnly',
  'deprecated',
]);
const TYPED = new Set(['$ref', 'type', 'enum', 'anyOf', 'oneOf', 'allOf', 'nullable', 'items', 'properties', 'required', 'additionalProperties']);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function fail(where: string, message: string): never {
  throw new Error(`cannot generate the client: ${where}: ${message}`);
}

function asSchema(value: unknown, where: string): JsonSchema {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'not a schema object');
  return value as JsonSchema;
}

/** A union or intersection inside `[]` or `&` needs parentheses; one nested in braces does not. */
function grouped(type: string): string {
  let depth = 0;
  for (const char of type) {
    if ('{<('.includes(char)) depth += 1;
    else if ('}>)'.includes(char)) depth -= 1;
    else if (depth === 0 && (char === '|' || char === '&')) return `(${type})`;
  }
  return type;
}

/** A value as a TypeScript literal type, strings in single quotes. */
function literal(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'` : JSON.stringify(value);
}

function propertyName(name: string): string {
  return IDENTIFIER.test(name) ? name : literal(name);
}

function docComment(text: unknown, indent: string): string {
  return typeof text === 'string' && text !== '' ? `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n` : '';
}

function objectType(schema: JsonSchema, indent: string, where: string): string {
  const properties = schema['properties'] === undefined ? {} : asSchema(schema['properties'], where);
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
  const extra = schema['additionalProperties'];
  const names = Object.keys(properties);
  if (names.length === 0) {
    if (extra === false) return 'Record<string, never>';
    return `Record<string, ${extra === undefined || extra === true ? 'unknown' : tsType(asSchema(extra, where), indent, `${where}.*`)}>`;
  }
  if (extra !== undefined && extra !== false) fail(where, 'an object with both properties and additionalProperties');
  const inner = `${indent}  `;
  const lines = names.map((name) => {
    const property = asSchema(properties[name], `${where}.${name}`);
    const optional = !required.has(name);
    const type = tsType(property, inner, `${where}.${name}`);
    // Optional properties take `undefined` too, for callers under exactOptionalPropertyTypes.
    return `${docComment(property['description'], inner)}${inner}${propertyName(name)}${optional ? '?' : ''}: ${type}${optional ? ' | undefined' : ''};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** The TypeScript type of a schema; `indent` is the indentation of the line it starts on. */
export function tsType(schema: JsonSchema, indent: string, where: string): string {
  for (const keyword of Object.keys(schema)) {
    if (!TYPED.has(keyword) && !IGNORED.has(keyword)) fail(where, `the keyword ${keyword} is not supported`);
  }
  let type: string;
  const ref = schema['$ref'];
  const kind = schema['type'];
  if (typeof ref === 'string') {
    if (!ref.startsWith(REF)) fail(where, `a reference outside the components: ${ref}`);
    type = ref.slice(REF.length);
  } else if (Array.isArray(schema['enum'])) {
    type = (schema['enum'] as unknown[]).map(literal).join(' | ');
  } else if (Array.isArray(schema['anyOf']) || Array.isArray(schema['oneOf'])) {
    const members = (schema['anyOf'] ?? schema['oneOf']) as unknown[];
    type = members.map((member, i) => tsType(asSchema(member, where), indent, `${where}|${i}`)).join(' | ');
  } else if (Array.isArray(schema['allOf'])) {
    type = (schema['allOf'] as unknown[]).map((member, i) => grouped(tsType(asSchema(member, where), indent, `${where}&${i}`))).join(' & ');
  } else if (kind === 'string' || kind === 'boolean') {
    type = kind;
  } else if (kind === 'number' || kind === 'integer') {
    type = 'number';
  } else if (kind === 'array') {
    if (schema['items'] === undefined) fail(where, 'an array without items');
    type = `${grouped(tsType(asSchema(schema['items'], where), indent, `${where}[]`))}[]`;
  } else if (kind === 'object' || schema['properties'] !== undefined) {
    type = objectType(schema, indent, where);
  } else if (kind === undefined) {
    type = 'unknown';
  } else {
    fail(where, `the type ${JSON.stringify(kind)} is not supported`);
  }
  return schema['nullable'] === true ? `${type} | null` : type;
}

function componentDeclaration(name: string, schema: JsonSchema): string {
  const type = tsType(schema, '', name);
  const doc = docComment(schema['description'], '');
  // An interface for one object type; a union of objects (a discriminated union) is a type alias.
  const oneObject = type.startsWith('{\n') && grouped(type) === type;
  return oneObject ? `${doc}export interface ${name} ${type}\n` : `${doc}export type ${name} = ${type};\n`;
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

interface PlannedOperation {
  method: string;
  path: string;
  operation: OpenApiOperation;
  /** The input type's declaration, when the operation takes parameters or a body. */
  input?: { name: string; declaration: string; optional: boolean };
  /** The 2xx answers' type (`void` when none has a body). */
  result: string;
  json: boolean;
}

function parametersType(parameters: OpenApiParameter[], where: string): { type: string; optional: boolean } {
  const properties = Object.fromEntries(parameters.map((p) => [p.name, p.schema]));
  const required = parameters.filter((p) => p.required).map((p) => p.name);
  return { type: objectType({ type: 'object', properties, required }, '  ', where), optional: required.length === 0 };
}

/** What the client does with an operation, or why it leaves it out (bytes travel by URL). */
function plan(method: string, path: string, operation: OpenApiOperation): PlannedOperation | string {
  const where = `${method.toUpperCase()} ${path}`;
  const request = operation.requestBody?.content;
  if (request !== undefined && request['application/json'] === undefined) return `${operation.operationId}: its body is bytes`;
  const successes = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
  if (successes.some(([, r]) => r.content !== undefined && r.content['application/json'] === undefined)) return `${operation.operationId}: it answers with bytes`;
  const types = successes.flatMap(([status, r]) => {
    const schema = r.content?.['application/json']?.schema;
    return schema === undefined ? [] : [tsType(schema, '', `${where} ${status}`)];
  });
  const result = types.length === 0 ? 'void' : [...new Set(types)].join(' | ');
  const parts: string[] = [];
  let optional = true;
  for (const location of ['path', 'query'] as const) {
    const parameters = (operation.parameters ?? []).filter((p) => p.in === location);
    if (parameters.length === 0) continue;
    const type = parametersType(parameters, `${where} ${location}`);
    optional &&= type.optional;
    parts.push(`  ${location}${type.optional ? '?' : ''}: ${type.type}${type.optional ? ' | undefined' : ''};`);
  }
  const body = request?.['application/json']?.schema;
  if (body !== undefined) {
    optional = false;
    parts.push(`  body: ${tsType(body, '  ', `${where} body`)};`);
  }
  const planned: PlannedOperation = { method: method.toUpperCase(), path, operation, result, json: types.length > 0 };
  if (parts.length > 0) {
    const name = `${pascal(operation.operationId)}Input`;
    planned.input = { name, optional, declaration: `/** What \`${operation.operationId}\` sends. */\nexport interface ${name} {\n${parts.join('\n')}\n}\n` };
  }
  return planned;
}

/**
 * The TypeScript source of a typed client for `document`: its component schemas as types, its
 * operations as methods of `createMediaflowClient()`. Operations whose bodies are bytes are left
 * out: their URLs come from the API itself (renditions, presigned uploads) and are fetched as is.
 */
export function generateClient(document: OpenApiDocument): string {
  const schemas = document.components.schemas;
  if (schemas['Problem'] === undefined) fail('components', 'the document has no Problem schema');
  const planned: PlannedOperation[] = [];
  const skipped: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const result = plan(method, path, operation);
      if (typeof result === 'string') skipped.push(result);
      else planned.push(result);
    }
  }
  const out: string[] = [
    `// The client of ${document.info.title} ${document.info.version}, generated from its OpenAPI document by`,
    '// libs/api/src/client/generate.ts. Do not edit: `npx nx run @mediaflow/api:generate-client` writes it',
    '// again, and src/client/generate.spec.ts fails while it differs from what the routes declare.',
    '//',
    '// Left out, as their URLs come from the API and are fetched as they are:',
    ...skipped.map((reason) => `// - ${reason}`),
    '',
    "import { send, type ClientOptions } from './runtime.js';",
    '',
    ...Object.entries(schemas).map(([name, schema]) => componentDeclaration(name, schema)),
    ...planned.flatMap((p) => (p.input ? [p.input.declaration] : [])),
    '/** The operations of the API, one method each. */',
    'export interface MediaflowClient {',
  ];
  for (const p of planned) {
    const input = p.input ? `input${p.input.optional ? '?' : ''}: ${p.input.name}, ` : '';
    out.push(`  /** ${p.operation.summary} (\`${p.method} ${p.path}\`) */`);
    out.push(`  ${p.operation.operationId}(${input}init?: RequestInit): Promise<${p.result}>;`);
  }
  out.push('}');
  out.push('');
  out.push('/**');
  out.push(' * A client of the API over `fetch`: paths, query strings and JSON bodies from typed inputs, the');
  out.push(' * 2xx answer parsed, anything else thrown as a `MediaflowApiError`.');
  out.push(' *');
  out.push(' * @example');
  out.push(" * const api = createMediaflowClient({ baseUrl: 'http://localhost:3000', headers: { authorization: `Bearer ${token}` } });");
  out.push(" * const page = await api.listMedia({ query: { kind: 'image' } });");
  out.push(' */');
  out.push('export function createMediaflowClient(options: ClientOptions = {}): MediaflowClient {');
  out.push('  return {');
  for (const p of planned) {
    const params = p.input ? `input${p.input.optional ? ' = {}' : ''}, init` : 'init';
    out.push(`    ${p.operation.operationId}: (${params}) => send(options, '${p.method}', '${p.path}', ${p.input ? 'input' : '{}'}, init, ${p.json}),`);
  }
  out.push('  };');
  out.push('}');
  return `${out.join('\n')}\n`;
}
