import { randomInt } from 'node:crypto';

/** The character classes of Secrets Manager's generator (`GetRandomPassword`). */
const CLASSES = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  numbers: '0123456789',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  space: ' ',
} as const;

/** A secret's `GenerateSecretString`, as the template spells it. */
export interface GenerateSecretString {
  PasswordLength?: number | string;
  ExcludeCharacters?: string;
  ExcludeLowercase?: boolean | string;
  ExcludeUppercase?: boolean | string;
  ExcludeNumbers?: boolean | string;
  ExcludePunctuation?: boolean | string;
  IncludeSpace?: boolean | string;
  RequireEachIncludedType?: boolean | string;
  SecretStringTemplate?: string;
  GenerateStringKey?: string;
}

/** Picks a whole number in `[0, max)`; `crypto.randomInt` unless a test fixes it. */
export type RandomInt = (max: number) => number;

const flag = (value: boolean | string | undefined, fallback: boolean): boolean => (value === undefined ? fallback : value === true || value === 'true');

/**
 * A password as Secrets Manager generates one for `GenerateSecretString`: `PasswordLength`
 * characters (32 by default) drawn uniformly from the classes not excluded, less
 * `ExcludeCharacters`, with at least one of each class when `RequireEachIncludedType` (the default).
 *
 * @throws Error when no character is left to draw from, or the length cannot hold one of each class.
 */
export function generatePassword(options: GenerateSecretString, random: RandomInt = randomInt): string {
  const length = Number(options.PasswordLength ?? 32);
  if (!Number.isSafeInteger(length) || length < 1 || length > 4096) throw new Error(`PasswordLength must be 1 to 4096, not ${String(options.PasswordLength)}`);
  const excluded = new Set(options.ExcludeCharacters ?? '');
  const included = [
    flag(options.ExcludeLowercase, false) ? '' : CLASSES.lowercase,
    flag(options.ExcludeUppercase, false) ? '' : CLASSES.uppercase,
    flag(options.ExcludeNumbers, false) ? '' : CLASSES.numbers,
    flag(options.ExcludePunctuation, false) ? '' : CLASSES.punctuation,
    flag(options.IncludeSpace, false) ? CLASSES.space : '',
  ]
    .map((characters) => [...characters].filter((character) => !excluded.has(character)).join(''))
    .filter((characters) => characters !== '');
  const alphabet = included.join('');
  if (alphabet === '') throw new Error('GenerateSecretString excludes every character');
  const eachType = flag(options.RequireEachIncludedType, true);
  if (eachType && length < included.length) throw new Error(`a password of ${length} characters cannot hold one of each of ${included.length} kinds`);
  // Drawn afresh until every kind is in it, so that each character stays uniform over the alphabet.
  for (;;) {
    const password = Array.from({ length }, () => alphabet.charAt(random(alphabet.length))).join('');
    if (!eachType || included.every((characters) => [...password].some((character) => characters.includes(character)))) return password;
  }
}

/**
 * The `SecretString` CloudFormation stores when it creates an `AWS::SecretsManager::Secret` with
 * these (resolved) properties: its `SecretString` as given, or a generated password, put into
 * `SecretStringTemplate`'s JSON under `GenerateStringKey` when the template has one.
 */
export function secretStringOf(properties: Record<string, unknown>, random: RandomInt = randomInt): string {
  if (typeof properties['SecretString'] === 'string') return properties['SecretString'];
  const generate = (properties['GenerateSecretString'] ?? {}) as GenerateSecretString;
  const password = generatePassword(generate, random);
  if (generate.SecretStringTemplate === undefined && generate.GenerateStringKey === undefined) return password;
  if (generate.SecretStringTemplate === undefined || generate.GenerateStringKey === undefined) {
    throw new Error('GenerateSecretString takes SecretStringTemplate and GenerateStringKey together');
  }
  const template = JSON.parse(generate.SecretStringTemplate) as unknown;
  if (typeof template !== 'object' || template === null || Array.isArray(template)) throw new Error('SecretStringTemplate must be a JSON object');
  return JSON.stringify({ ...template, [generate.GenerateStringKey]: password });
}

/** A `{{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}` reference, parsed. */
export interface SecretReference {
  /** The secret's name or ARN. */
  secretId: string;
  jsonKey?: string;
  versionStage?: string;
  versionId?: string;
}

/** A dynamic reference anywhere in a string: `{{resolve:service:key}}`. */
const DYNAMIC_REFERENCE = /\{\{resolve:([^:{}]+):([^{}]*)\}\}/g;

/** The fields after `secretsmanager:`; an ARN as secret id keeps its own colons (seven fields). */
export function parseSecretReference(body: string): SecretReference {
  const fields = body.split(':');
  const idFields = fields[0] === 'arn' ? 7 : 1;
  const secretId = fields.slice(0, idFields).join(':');
  const [part, jsonKey, versionStage, versionId, ...extra] = fields.slice(idFields);
  if (secretId === '' || (idFields === 7 && fields.length < 7) || extra.length > 0 || (part !== undefined && part !== 'SecretString')) {
    throw new Error(`not a secretsmanager dynamic reference CloudFormation takes: {{resolve:secretsmanager:${body}}}`);
  }
  const optional = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
  const reference: SecretReference = { secretId };
  const [key, stage, id] = [optional(jsonKey), optional(versionStage), optional(versionId)];
  if (key !== undefined) reference.jsonKey = key;
  if (stage !== undefined) reference.versionStage = stage;
  if (id !== undefined) reference.versionId = id;
  return reference;
}

/**
 * `text` with every dynamic reference replaced, as CloudFormation does when it creates or updates
 * the resource that holds it: `secret(reference)` gives the value of a `secretsmanager` one.
 *
 * @throws Error for a reference to another service (`ssm`, `ssm-secure`), which the simulator does not resolve.
 */
export function resolveDynamicReferences(text: string, secret: (reference: SecretReference) => string): string {
  return text.replace(DYNAMIC_REFERENCE, (_whole, service: string, body: string) => {
    if (service !== 'secretsmanager') throw new Error(`the simulator does not resolve {{resolve:${service}:...}} references`);
    return secret(parseSecretReference(body));
  });
}

/**
 * The part of a secret's `SecretString` a reference asks for: all of it, or the value under its
 * JSON key. Only the current version exists in the simulated stage.
 */
export function referencedValue(secretString: string, reference: SecretReference): string {
  if ((reference.versionStage !== undefined && reference.versionStage !== 'AWSCURRENT') || reference.versionId !== undefined) {
    throw new Error(`the simulated stage keeps only the current version of ${reference.secretId}`);
  }
  if (reference.jsonKey === undefined) return secretString;
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch (error) {
    throw new Error(`${reference.secretId} is not JSON, so it has no key ${reference.jsonKey}`, { cause: error });
  }
  const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[reference.jsonKey] : undefined;
  if (value === undefined) throw new Error(`${reference.secretId} has no key ${reference.jsonKey}`);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
