import { DEFAULT_ACCOUNT } from '../types.js';
import type { Template } from './cdk-out.js';
import { Resolver } from './intrinsics.js';
import { generatePassword, parseSecretReference, referencedValue, resolveDynamicReferences, secretStringOf } from './secrets.js';

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;

describe('generatePassword', () => {
  it('makes 32 characters of every kind by default', () => {
    const password = generatePassword({});
    expect(password).toHaveLength(32);
    for (const kind of [/[a-z]/, /[A-Z]/, /[0-9]/, PUNCTUATION]) expect(password).toMatch(kind);
  });

  it('leaves out what is excluded, and still has one of each kind left', () => {
    for (let i = 0; i < 50; i += 1) {
      const password = generatePassword({ PasswordLength: 48, ExcludePunctuation: true, ExcludeCharacters: 'aeiouAEIOU01' });
      expect(password).toMatch(/^[^aeiouAEIOU01]{48}$/);
      expect(password).not.toMatch(PUNCTUATION);
      for (const kind of [/[a-z]/, /[A-Z]/, /[2-9]/]) expect(password).toMatch(kind);
    }
    expect(generatePassword({ PasswordLength: '6', ExcludeLowercase: 'true', ExcludeUppercase: true, ExcludePunctuation: true })).toMatch(/^[0-9]{6}$/);
    expect(generatePassword({ PasswordLength: 3, ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true, IncludeSpace: true })).toBe('   ');
  });

  it('draws from the whole alphabet, and draws again until every kind is in', () => {
    const draws: number[] = [];
    // The first password is all lower case, the second has an upper-case letter and a digit too.
    const sequence = [0, 0, 0, 0, 26, 52];
    const random = (max: number): number => {
      draws.push(max);
      return sequence[draws.length - 1] ?? 0;
    };
    expect(generatePassword({ PasswordLength: 3, ExcludePunctuation: true }, random)).toBe('aA0');
    expect(new Set(draws)).toEqual(new Set([62]));
  });

  it('refuses settings Secrets Manager refuses', () => {
    expect(() => generatePassword({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true })).toThrow(/every character/);
    expect(() => generatePassword({ PasswordLength: 2 })).toThrow(/one of each/);
    expect(() => generatePassword({ PasswordLength: 0 })).toThrow(/PasswordLength/);
  });
});

describe('secretStringOf', () => {
  it('keeps a literal SecretString, and puts a generated one into its JSON template under the key', () => {
    expect(secretStringOf({ SecretString: 'given' })).toBe('given');
    const json = JSON.parse(secretStringOf({ GenerateSecretString: { SecretStringTemplate: '{"user":"api"}', GenerateStringKey: 'v1', PasswordLength: 40, ExcludePunctuation: true } })) as Record<string, string>;
    expect(json['user']).toBe('api');
    expect(json['v1']).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(() => secretStringOf({ GenerateSecretString: { GenerateStringKey: 'v1' } })).toThrow(/together/);
  });
});

describe('dynamic references', () => {
  const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ApiOriginSecret-AbCdEfGhIjKl-XyZ123';

  it('parses an ARN with its colons, a name, and the optional fields', () => {
    expect(parseSecretReference(`${arn}:SecretString:v1::`)).toEqual({ secretId: arn, jsonKey: 'v1' });
    expect(parseSecretReference('mediaflow/origin')).toEqual({ secretId: 'mediaflow/origin' });
    expect(parseSecretReference('origin:SecretString::AWSCURRENT:')).toEqual({ secretId: 'origin', versionStage: 'AWSCURRENT' });
    expect(() => parseSecretReference('origin:SecretBinary')).toThrow(/not a secretsmanager dynamic reference/);
  });

  it('replaces every reference in a string, and refuses services it does not resolve', () => {
    const values: Record<string, string> = { a: 'one', b: 'two' };
    expect(resolveDynamicReferences('x={{resolve:secretsmanager:a}}&y={{resolve:secretsmanager:b:SecretString:::}}', (reference) => values[reference.secretId] ?? '')).toBe('x=one&y=two');
    expect(() => resolveDynamicReferences('{{resolve:ssm:/mediaflow/x}}', () => '')).toThrow(/does not resolve \{\{resolve:ssm/);
  });

  it('picks the JSON key, and knows only the current version', () => {
    expect(referencedValue('{"v1":"abc"}', { secretId: 's', jsonKey: 'v1' })).toBe('abc');
    expect(() => referencedValue('{"v1":"abc"}', { secretId: 's', jsonKey: 'v2' })).toThrow(/no key v2/);
    expect(() => referencedValue('abc', { secretId: 's', versionStage: 'AWSPREVIOUS' })).toThrow(/current version/);
  });
});

describe('Resolver with a secret', () => {
  const template: Template = {
    Resources: {
      OriginSecret1234: {
        Type: 'AWS::SecretsManager::Secret',
        Properties: { GenerateSecretString: { SecretStringTemplate: '{}', GenerateStringKey: 'v1', PasswordLength: 48, ExcludePunctuation: true } },
      },
      ApiFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Environment: { Variables: { SECRET: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'OriginSecret1234' }, ':SecretString:v1::}}']] } } },
        },
      },
      Distribution: {
        Type: 'AWS::CloudFront::Distribution',
        Properties: { Header: { 'Fn::Sub': '{{resolve:secretsmanager:${OriginSecret1234}:SecretString:v1::}}' }, ByName: '{{resolve:secretsmanager:OriginSecret1234-name:SecretString:v1::}}' },
      },
    },
  };
  const named: Template = structuredClone(template);
  const secret = named.Resources['OriginSecret1234'];
  if (secret?.Properties) secret.Properties['Name'] = 'OriginSecret1234-name';

  it('gives the secret an ARN as its Ref, as CloudFormation does', () => {
    const resolver = new Resolver(template, DEFAULT_ACCOUNT, 'Mediaflow-dev');
    expect(resolver.ref('OriginSecret1234')).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:OriginSecret1234-[A-Za-z0-9]{12}-[A-Za-z0-9]{6}$/);
  });

  it('resolves references however they were assembled, to one generated value per stage', () => {
    const resolver = new Resolver(named, DEFAULT_ACCOUNT, 'Mediaflow-dev');
    const env = resolver.resolve(named.Resources['ApiFunction']?.Properties) as { Environment: { Variables: { SECRET: string } } };
    const value = env.Environment.Variables.SECRET;
    expect(value).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(resolver.resolve(named.Resources['Distribution']?.Properties)).toEqual({ Header: value, ByName: value });
    const another = new Resolver(named, DEFAULT_ACCOUNT, 'Mediaflow-dev').resolve(named.Resources['ApiFunction']?.Properties);
    expect(JSON.stringify(another)).not.toContain(value);
  });

  it('refuses a reference to a secret the template does not have', () => {
    const resolver = new Resolver(template, DEFAULT_ACCOUNT, 'Mediaflow-dev');
    expect(() => resolver.resolve('{{resolve:secretsmanager:elsewhere:SecretString:v1::}}')).toThrow(/no secret elsewhere/);
  });
});
