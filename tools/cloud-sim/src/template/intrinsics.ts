import { createHash } from 'node:crypto';
import type { SimAccount } from '../types.js';
import type { Template, TemplateResource } from './cdk-out.js';
import { referencedValue, resolveDynamicReferences, secretStringOf, type SecretReference } from './secrets.js';
import { generateSigningKeyPair, SIGNING_KEY_TYPE, type SigningKeyPair } from './signing-keys.js';

/** What `Ref` and `Fn::GetAtt` give for one resource. */
export interface PhysicalResource {
  ref: string;
  attributes: Record<string, string>;
}

/** Stable made-up identifiers: the same template gives the same names run after run. */
export function stableId(seed: string, length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet.charAt(digest.readUInt8(i % digest.length) % alphabet.length);
  return out;
}

function uuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Resolves CloudFormation intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`,
 * `Fn::Split`, `Fn::If`, `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Fn::Base64`,
 * `Fn::GetAZs`) against made-up physical names, the way CloudFormation would after a deploy.
 * Physical names follow each type's documented `Ref`/`GetAtt` shapes (a queue's `Ref` is its URL,
 * a topic's its ARN, a bucket's its name) so code that parses them keeps working.
 *
 * Dynamic references to the template's secrets (`{{resolve:secretsmanager:...}}`) are resolved in
 * what comes out, however the string was assembled: each secret's value is generated once per
 * resolver (one stage), at random, as Secrets Manager does when CloudFormation creates it. A
 * secret a signing-key custom resource writes (`signing-keys.ts`) holds that resource's private
 * key instead, and the resource's `PublicKeyPem` is the matching public key.
 */
export class Resolver {
  private readonly physical = new Map<string, PhysicalResource>();
  private readonly resolving = new Set<string>();
  private readonly secretStrings = new Map<string, string>();
  private readonly signingKeys = new Map<string, SigningKeyPair>();

  constructor(
    readonly template: Template,
    readonly account: SimAccount,
    readonly stackName: string,
    /** Overrides for attributes the simulator serves itself (a distribution's domain, an issuer). */
    private readonly overrides: Record<string, Partial<PhysicalResource> & { attributes?: Record<string, string> }> = {},
  ) {}

  resource(logicalId: string): TemplateResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`the template has no resource ${logicalId}`);
    return resource;
  }

  /** `Ref` and attributes of a resource, computed once. */
  physicalOf(logicalId: string): PhysicalResource {
    const known = this.physical.get(logicalId);
    if (known) return known;
    if (this.resolving.has(logicalId)) throw new Error(`circular reference through ${logicalId}`);
    this.resolving.add(logicalId);
    try {
      const made = this.makePhysical(logicalId, this.resource(logicalId));
      const override = this.overrides[logicalId];
      const result: PhysicalResource = {
        ref: override?.ref ?? made.ref,
        attributes: { ...made.attributes, ...(override?.attributes ?? {}) },
      };
      this.physical.set(logicalId, result);
      return result;
    } finally {
      this.resolving.delete(logicalId);
    }
  }

  ref(name: string): string {
    const { accountId, region, partition } = this.account;
    switch (name) {
      case 'AWS::AccountId':
        return accountId;
      case 'AWS::Region':
        return region;
      case 'AWS::Partition':
        return partition;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.stackName;
      case 'AWS::StackId':
        return `arn:${partition}:cloudformation:${region}:${accountId}:stack/${this.stackName}/${uuid(this.stackName)}`;
      case 'AWS::NoValue':
        return '';
      default:
        break;
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter) return String(parameter.Default ?? '');
    return this.physicalOf(name).ref;
  }

  getAtt(logicalId: string, attribute: string): string {
    const value = this.physicalOf(logicalId).attributes[attribute];
    if (value === undefined) {
      throw new Error(`the simulator does not know ${this.resource(logicalId).Type} attribute ${attribute} (of ${logicalId})`);
    }
    return value;
  }

  condition(name: string): boolean {
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new Error(`the template has no condition ${name}`);
    return Boolean(this.expand(definition));
  }

  /**
   * Resolves every intrinsic inside `value`, then every dynamic reference in the strings that came
   * out; `AWS::NoValue` drops the key or element.
   */
  resolve(value: unknown): unknown {
    return this.withDynamicReferences(this.expand(value));
  }

  /**
   * The `SecretString` of the template's `AWS::SecretsManager::Secret` that `secretId` names (its
   * ARN, its ARN without the random suffix, or its name), made when first asked for.
   */
  secretString(secretId: string): string {
    const logicalId = this.secretNamed(secretId);
    let value = this.secretStrings.get(logicalId);
    if (value === undefined) {
      value = this.signingKeyWriting(logicalId)?.privateKeyPem ?? secretStringOf(asObject(this.resolve(this.resource(logicalId).Properties ?? {})));
      this.secretStrings.set(logicalId, value);
    }
    return value;
  }

  /**
   * The template's secret `secretId` names (its ARN, its ARN without the random suffix, or its
   * name) with its current value, as Secrets Manager's GetSecretValue answers it; none when the
   * template has no such secret.
   */
  secret(secretId: string): { arn: string; name: string; secretString: string } | undefined {
    let logicalId: string;
    try {
      logicalId = this.secretNamed(secretId);
    } catch {
      return undefined;
    }
    const { ref, attributes } = this.physicalOf(logicalId);
    return { arn: ref, name: attributes['Name'] ?? ref, secretString: this.secretString(secretId) };
  }

  /** The key pair of the signing-key custom resource that writes this secret, if one does. */
  private signingKeyWriting(secretLogicalId: string): SigningKeyPair | undefined {
    const secretArn = this.physicalOf(secretLogicalId).ref;
    for (const [logicalId, resource] of Object.entries(this.template.Resources)) {
      if (resource.Type !== SIGNING_KEY_TYPE) continue;
      if (this.text(asObject(resource.Properties)['SecretArn']) !== secretArn) continue;
      this.physicalOf(logicalId);
      return this.signingKeys.get(logicalId);
    }
    return undefined;
  }

  private secretNamed(secretId: string): string {
    for (const [logicalId, resource] of Object.entries(this.template.Resources)) {
      if (resource.Type !== 'AWS::SecretsManager::Secret') continue;
      const { ref, attributes } = this.physicalOf(logicalId);
      if (secretId === ref || secretId === attributes['Name'] || secretId === ref.slice(0, -7)) return logicalId;
    }
    throw new Error(`the template has no secret ${secretId}`);
  }

  private withDynamicReferences(value: unknown): unknown {
    if (typeof value === 'string') return value.includes('{{resolve:') ? resolveDynamicReferences(value, (reference) => this.secretValue(reference)) : value;
    if (Array.isArray(value)) return value.map((v) => this.withDynamicReferences(v));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, this.withDynamicReferences(v)]));
  }

  private secretValue(reference: SecretReference): string {
    return referencedValue(this.secretString(reference.secretId), reference);
  }

  /** The intrinsics of `resolve`, dynamic references left as they are. */
  private expand(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.expand(v)).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [only] = entries;
    if (entries.length === 1 && only) {
      const [key, argument] = only;
      if (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition') return this.intrinsic(key, argument);
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of entries) {
      const resolved = this.expand(v);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  /** `resolve` for values that must come out as strings. */
  string(value: unknown): string {
    return asString(this.resolve(value));
  }

  /** `expand` for values that must come out as strings. */
  private text(value: unknown): string {
    return asString(this.expand(value));
  }

  private intrinsic(name: string, argument: unknown): unknown {
    switch (name) {
      case 'Ref':
        return argument === 'AWS::NoValue' ? NO_VALUE : this.ref(String(argument));
      case 'Condition':
        return this.condition(String(argument));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split(/\.(.+)/);
        return this.getAtt(String(logicalId), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        const resolved = this.expand(parts);
        return (resolved as unknown[]).map((p) => String(p)).join(separator);
      }
      case 'Fn::Sub':
        return this.sub(argument);
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        const items = this.expand(list) as unknown[];
        return items[Number(this.expand(index))];
      }
      case 'Fn::Split': {
        const [separator, source] = argument as [string, unknown];
        return this.text(source).split(separator);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
        return this.expand(this.condition(condition) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = argument as [unknown, unknown];
        return JSON.stringify(this.expand(a)) === JSON.stringify(this.expand(b));
      }
      case 'Fn::Not':
        return !(this.expand((argument as unknown[])[0]) as boolean);
      case 'Fn::And':
        return (argument as unknown[]).every((c) => Boolean(this.expand(c)));
      case 'Fn::Or':
        return (argument as unknown[]).some((c) => Boolean(this.expand(c)));
      case 'Fn::Base64':
        return Buffer.from(this.text(argument)).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.account.region}${zone}`);
      default:
        throw new Error(`the simulator does not resolve ${name}`);
    }
  }

  private sub(argument: unknown): string {
    const [text, variables] = Array.isArray(argument) ? (argument as [string, Record<string, unknown>]) : [String(argument), {}];
    return text.replace(/\$\{([^}]+)\}/g, (whole, expression: string) => {
      if (expression.startsWith('!')) return whole.replace('${!', '${');
      if (expression in variables) return this.text(variables[expression]);
      const dot = expression.indexOf('.');
      if (dot > 0 && !expression.startsWith('AWS::')) return this.getAtt(expression.slice(0, dot), expression.slice(dot + 1));
      return this.ref(expression);
    });
  }

  private makePhysical(logicalId: string, resource: TemplateResource): PhysicalResource {
    const { accountId, region, partition } = this.account;
    const props = resource.Properties ?? {};
    const named = (property: string, make: () => string): string =>
      props[property] === undefined ? make() : this.text(props[property]);
    const generated = (max = 64): string => `${this.stackName}-${logicalId}`.slice(0, max - 13) + `-${stableId(logicalId, 12).toUpperCase()}`;
    const arn = (service: string, rest: string, withRegion = true, withAccount = true): string =>
      `arn:${partition}:${service}:${withRegion ? region : ''}:${withAccount ? accountId : ''}:${rest}`;

    switch (resource.Type) {
      case 'AWS::S3::Bucket': {
        const name = named('BucketName', () => generated(63).toLowerCase());
        return {
          ref: name,
          attributes: {
            Arn: `arn:${partition}:s3:::${name}`,
            DomainName: `${name}.s3.amazonaws.com`,
            RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
            WebsiteURL: `http://${name}.s3-website-${region}.amazonaws.com`,
          },
        };
      }
      case 'AWS::SQS::Queue': {
        const fifo = props.FifoQueue === true || props.FifoQueue === 'true';
        const name = named('QueueName', () => generated(fifo ? 75 : 80) + (fifo ? '.fifo' : ''));
        const url = `https://sqs.${region}.amazonaws.com/${accountId}/${name}`;
        return { ref: url, attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: url } };
      }
      case 'AWS::SNS::Topic': {
        const name = named('TopicName', () => generated(256));
        const topicArn = arn('sns', name);
        return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
      }
      case 'AWS::Lambda::Function': {
        const name = named('FunctionName', () => generated(64));
        return { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } };
      }
      case 'AWS::Lambda::LayerVersion': {
        const name = named('LayerName', () => logicalId);
        return { ref: arn('lambda', `layer:${name}:1`), attributes: {} };
      }
      case 'AWS::IAM::Role': {
        const name = named('RoleName', () => generated(64));
        const path = typeof props.Path === 'string' ? props.Path : '/';
        return {
          ref: name,
          attributes: { Arn: `arn:${partition}:iam::${accountId}:role${path}${name}`, RoleId: `AROA${stableId(logicalId, 17).toUpperCase()}` },
        };
      }
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        return { ref: named('PolicyName', () => generated(128)), attributes: {} };
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable': {
        const name = named('TableName', () => generated(255));
        const tableArn = arn('dynamodb', `table/${name}`);
        return { ref: name, attributes: { Arn: tableArn, StreamArn: `${tableArn}/stream/2026-01-01T00:00:00.000`, TableId: uuid(logicalId) } };
      }
      case 'AWS::KMS::Key': {
        const id = uuid(logicalId);
        return { ref: id, attributes: { Arn: arn('kms', `key/${id}`), KeyId: id } };
      }
      case 'AWS::Logs::LogGroup': {
        const name = named('LogGroupName', () => generated(512));
        return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
      }
      case 'AWS::Events::Rule': {
        const name = named('Name', () => generated(64));
        return { ref: name, attributes: { Arn: arn('events', `rule/${name}`) } };
      }
      case 'AWS::MediaConvert::Queue': {
        const name = named('Name', () => generated(128));
        return { ref: name, attributes: { Arn: arn('mediaconvert', `queues/${name}`), Name: name } };
      }
      case 'AWS::ApiGatewayV2::Api': {
        const id = stableId(logicalId, 10);
        return { ref: id, attributes: { ApiId: id, ApiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com` } };
      }
      case 'AWS::Cognito::UserPool': {
        const id = `${region}_${stableId(logicalId, 9, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`;
        return {
          ref: id,
          attributes: {
            Arn: arn('cognito-idp', `userpool/${id}`),
            ProviderName: `cognito-idp.${region}.amazonaws.com/${id}`,
            ProviderURL: `cognito-idp.${region}.amazonaws.com/${id}`,
            UserPoolId: id,
          },
        };
      }
      case 'AWS::Cognito::UserPoolClient': {
        const id = stableId(logicalId, 26);
        return { ref: id, attributes: { ClientId: id, Name: typeof props.ClientName === 'string' ? props.ClientName : logicalId } };
      }
      case 'AWS::Cognito::UserPoolDomain':
        return { ref: this.text(props.Domain), attributes: { CloudFrontDistribution: `${stableId(logicalId, 14)}.cloudfront.net` } };
      case 'AWS::CloudFront::Distribution': {
        const id = `E${stableId(logicalId, 13, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
        return { ref: id, attributes: { DomainName: `d${stableId(logicalId, 13)}.cloudfront.net`, Id: id } };
      }
      case 'AWS::CloudFront::Function': {
        const name = this.text(props.Name ?? logicalId);
        return { ref: arn('cloudfront', `function/${name}`, false), attributes: { FunctionARN: arn('cloudfront', `function/${name}`, false), Stage: 'LIVE' } };
      }
      case 'AWS::CloudFront::CachePolicy':
      case 'AWS::CloudFront::ResponseHeadersPolicy':
      case 'AWS::CloudFront::OriginRequestPolicy':
      case 'AWS::CloudFront::OriginAccessControl': {
        const id = uuid(logicalId);
        return { ref: id, attributes: { Id: id, LastModifiedTime: '2026-01-01T00:00:00Z' } };
      }
      case SIGNING_KEY_TYPE: {
        // The handler's effect, applied here: a key pair per stage, its public half as the attribute.
        const pair = generateSigningKeyPair();
        this.signingKeys.set(logicalId, pair);
        return { ref: `media-signing-key-v${this.text(props.Generation ?? 1)}`, attributes: { PublicKeyPem: pair.publicKeyPem } };
      }
      case 'AWS::CloudFront::PublicKey': {
        const id = `K${stableId(logicalId, 13, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
        return { ref: id, attributes: { Id: id, CreatedTime: '2026-01-01T00:00:00Z' } };
      }
      case 'AWS::CloudFront::KeyGroup': {
        const id = uuid(logicalId);
        return { ref: id, attributes: { Id: id, LastModifiedTime: '2026-01-01T00:00:00Z' } };
      }
      case 'AWS::SecretsManager::Secret': {
        // Without a Name, CloudFormation names a secret after its logical id; the ARN always ends in six random characters.
        const alphanumeric = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
        const name = named('Name', () => `${logicalId}-${stableId(logicalId, 12, alphanumeric)}`);
        const secretArn = arn('secretsmanager', `secret:${name}-${stableId(`${logicalId}#suffix`, 6, alphanumeric)}`);
        return { ref: secretArn, attributes: { Id: secretArn, Name: name } };
      }
      case 'AWS::WAFv2::WebACL': {
        // A CLOUDFRONT-scoped web ACL lives in us-east-1 whatever the stack's region; its Ref is `name|id|scope`.
        const name = this.text(props.Name ?? logicalId);
        const id = uuid(logicalId);
        const aclArn = `arn:${partition}:wafv2:us-east-1:${accountId}:global/webacl/${name}/${id}`;
        return { ref: `${name}|${id}|${this.text(props.Scope ?? 'CLOUDFRONT')}`, attributes: { Arn: aclArn, Id: id, LabelNamespace: `awswaf:${accountId}:webacl:${name}:` } };
      }
      case 'AWS::PricingPlanManager::Subscription': {
        const subscriptionArn = `arn:${partition}:pricingplanmanager::${accountId}:subscription/${stableId(logicalId, 12)}`;
        return { ref: subscriptionArn, attributes: { Arn: subscriptionArn, Status: 'PENDING_APPROVAL', CurrentPlanTier: this.text(props.PlanTier ?? '') } };
      }
      case 'AWS::CloudWatch::Alarm': {
        const name = named('AlarmName', () => generated(255));
        return { ref: name, attributes: { Arn: arn('cloudwatch', `alarm:${name}`) } };
      }
      default:
        return { ref: `${logicalId}-${stableId(logicalId, 8)}`, attributes: {} };
    }
  }
}

/** `Ref: AWS::NoValue`: the key or list element is left out. */
export const NO_VALUE = Symbol('AWS::NoValue');

function asString(resolved: unknown): string {
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
  throw new Error(`expected a string, got ${JSON.stringify(resolved)}`);
}

function asObject(resolved: unknown): Record<string, unknown> {
  return resolved !== null && typeof resolved === 'object' && !Array.isArray(resolved) ? (resolved as Record<string, unknown>) : {};
}
