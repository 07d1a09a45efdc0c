import { DEFAULT_ACCOUNT, type Authorization, type Principal } from '../types.js';
import type { NamedPolicy, PolicyDocument, PolicyStatement } from '../specs.js';
import { authorize, type AuthorizeInput } from './evaluate.js';
import { MalformedPolicyError } from './errors.js';

const ACCOUNT = DEFAULT_ACCOUNT.accountId;
const BUCKET = 'arn:aws:s3:::mediaflow-dev-media';
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/MediaflowDevMedia`;
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:MediaflowDevEvents`;
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:MediaflowDevImage`;
const API_ROLE = `arn:aws:iam::${ACCOUNT}:role/Mediaflow-dev-ComputeApiRole`;
const TRANSCODING_ROLE = `arn:aws:iam::${ACCOUNT}:role/Mediaflow-dev-TranscodingRole`;
const DISTRIBUTION = `arn:aws:cloudfront::${ACCOUNT}:distribution/E2EXAMPLE`;

const apiRole: Principal = { type: 'role', roleArn: API_ROLE, sessionName: 'api', accessKeyId: 'ASIAAPI' };
const anonymous: Principal = { type: 'anonymous' };

function policy(name: string, ...statements: PolicyStatement[]): NamedPolicy {
  const document: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  return { name, document };
}

/** The api function's policy, as the stage grants it (intrinsics resolved). */
const apiPolicy = policy(
  'ComputeApiRoleDefaultPolicy',
  { Effect: 'Allow', Action: 'sns:Publish', Resource: TOPIC },
  {
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
    Resource: TABLE,
  },
  { Effect: 'Allow', Action: 'dynamodb:Query', Resource: `${TABLE}/index/*` },
  { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], Resource: `${BUCKET}/originals/*` },
  { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, Condition: { StringLike: { 's3:prefix': ['renditions/*'] } } },
);

/** The media bucket's policy: TLS only, CloudFront may read renditions. */
const bucketPolicy = policy(
  'StorageMediaPolicy',
  {
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: 's3:*',
    Resource: [BUCKET, `${BUCKET}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  },
  {
    Sid: 'CloudFrontReadsRenditions',
    Effect: 'Allow',
    Principal: { Service: 'cloudfront.amazonaws.com' },
    Action: 's3:GetObject',
    Resource: `${BUCKET}/renditions/*`,
    Condition: { StringEquals: { 'AWS:SourceArn': DISTRIBUTION } },
  },
);

const queuePolicy = policy(
  'EventsImageQueuePolicy',
  { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:*', Resource: QUEUE, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
  {
    Effect: 'Allow',
    Principal: { Service: 'sns.amazonaws.com' },
    Action: 'sqs:SendMessage',
    Resource: QUEUE,
    Condition: { ArnLike: { 'aws:SourceArn': TOPIC } },
  },
);

function request(action: string, resource: string, context: Authorization['context'] = { 'aws:SecureTransport': true }): Authorization {
  return { action, resource, context };
}

function decide(input: Partial<AuthorizeInput> & Pick<AuthorizeInput, 'request'>) {
  return authorize({ principal: apiRole, identityPolicies: [apiPolicy], account: DEFAULT_ACCOUNT, ...input });
}

describe('authorize', () => {
  describe('identity policies', () => {
    it('allows what a statement grants and names the statement', () => {
      const decision = decide({ request: request('s3:PutObject', `${BUCKET}/originals/o/a/b.jpg`) });
      expect(decision).toEqual({
        allowed: true,
        reason: 'allowed',
        matched: [{ policy: 'ComputeApiRoleDefaultPolicy', effect: 'Allow', statementIndex: 3 }],
      });
    });

    it('denies implicitly outside the granted prefix', () => {
      const decision = decide({ request: request('s3:PutObject', `${BUCKET}/renditions/x`) });
      expect(decision).toEqual({ allowed: false, reason: 'implicit-deny', matched: [] });
    });

    it('matches actions case-insensitively and with wildcards', () => {
      expect(decide({ request: request('S3:getobject', `${BUCKET}/originals/a.jpg`) }).allowed).toBe(true);
      const wide = policy('Wide', { Effect: 'Allow', Action: 's3:Get*', Resource: '*' });
      expect(decide({ identityPolicies: [wide], request: request('s3:GetObjectTagging', `${BUCKET}/a`) }).allowed).toBe(true);
      expect(decide({ identityPolicies: [wide], request: request('s3:PutObject', `${BUCKET}/a`) }).allowed).toBe(false);
    });

    it('tells a table from its indexes', () => {
      expect(decide({ request: request('dynamodb:PutItem', TABLE) }).allowed).toBe(true);
      expect(decide({ request: request('dynamodb:Query', `${TABLE}/index/GSI1`) }).allowed).toBe(true);
      expect(decide({ request: request('dynamodb:PutItem', `${TABLE}/index/GSI1`) }).allowed).toBe(false);
      expect(decide({ request: request('dynamodb:Query', `${TABLE}Archive`) }).allowed).toBe(false);
    });

    it('applies conditions on request keys (ListBucket limited to a prefix)', () => {
      expect(decide({ request: request('s3:ListBucket', BUCKET, { 's3:prefix': 'renditions/o/' }) }).allowed).toBe(true);
      expect(decide({ request: request('s3:ListBucket', BUCKET, { 's3:prefix': 'originals/' }) }).allowed).toBe(false);
      expect(decide({ request: request('s3:ListBucket', BUCKET, {}) }).allowed).toBe(false);
    });

    it('lets iam:PassRole through only for the named service', () => {
      const submit = policy('ComputeVideoSubmitRoleDefaultPolicy', {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: TRANSCODING_ROLE,
        Condition: { StringEquals: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } },
      });
      const pass = (context: Authorization['context']) =>
        decide({ identityPolicies: [submit], request: request('iam:PassRole', TRANSCODING_ROLE, context) }).allowed;
      expect(pass({ 'iam:PassedToService': 'mediaconvert.amazonaws.com' })).toBe(true);
      expect(pass({ 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(false);
      expect(pass({})).toBe(false);
      expect(
        decide({
          identityPolicies: [submit],
          request: request('iam:PassRole', API_ROLE, { 'iam:PassedToService': 'mediaconvert.amazonaws.com' }),
        }).allowed,
      ).toBe(false);
    });

    it('supports NotAction and NotResource', () => {
      const everythingButIam = policy('Ops', { Effect: 'Allow', NotAction: ['iam:*', 'sts:*'], Resource: '*' });
      expect(decide({ identityPolicies: [everythingButIam], request: request('sqs:SendMessage', QUEUE) }).allowed).toBe(true);
      expect(decide({ identityPolicies: [everythingButIam], request: request('iam:PassRole', TRANSCODING_ROLE) }).allowed).toBe(false);

      const notLogs = policy(
        'Guard',
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:DeleteObject', NotResource: `${BUCKET}/tmp/*` },
      );
      expect(decide({ identityPolicies: [notLogs], request: request('s3:DeleteObject', `${BUCKET}/tmp/a`) }).allowed).toBe(true);
      const denied = decide({ identityPolicies: [notLogs], request: request('s3:DeleteObject', `${BUCKET}/originals/a`) });
      expect(denied).toEqual({
        allowed: false,
        reason: 'explicit-deny',
        matched: [{ policy: 'Guard', effect: 'Deny', statementIndex: 1 }],
      });
    });

    it('lets an explicit deny beat an allow in another policy', () => {
      const deny = policy('NoDeletes', { Sid: 'NoDeletes', Effect: 'Deny', Action: 's3:Delete*', Resource: '*' });
      const decision = decide({ identityPolicies: [apiPolicy, deny], request: request('s3:DeleteObject', `${BUCKET}/originals/a`) });
      expect(decision).toEqual({
        allowed: false,
        reason: 'explicit-deny',
        matched: [{ policy: 'NoDeletes', sid: 'NoDeletes', effect: 'Deny', statementIndex: 0 }],
      });
    });

    it('fills the caller keys of a role: PrincipalArn, PrincipalAccount, PrincipalType', () => {
      const own = policy('Own', {
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: '*',
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': API_ROLE },
          StringEquals: { 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalType': 'AssumedRole' },
        },
      });
      expect(decide({ identityPolicies: [own], request: request('sns:Publish', TOPIC) }).allowed).toBe(true);
      const other: Principal = { ...apiRole, roleArn: `arn:aws:iam::${ACCOUNT}:role/Other` };
      expect(decide({ principal: other, identityPolicies: [own], request: request('sns:Publish', TOPIC) }).allowed).toBe(false);
    });

    it('does not let the request claim another caller through its context', () => {
      const own = policy('Own', {
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalArn': TRANSCODING_ROLE } },
      });
      const forged = request('sns:Publish', TOPIC, { 'aws:PrincipalArn': TRANSCODING_ROLE });
      expect(decide({ identityPolicies: [own], request: forged }).allowed).toBe(false);
    });

    it('substitutes policy variables in resources and survives ones it cannot resolve', () => {
      const perAccount = policy('PerAccount', {
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: ['arn:aws:sns:us-east-1:${aws:PrincipalAccount}:*', 'arn:aws:sns:*:*:${aws:username}'],
      });
      expect(decide({ identityPolicies: [perAccount], request: request('sns:Publish', TOPIC) }).allowed).toBe(true);
      const foreignTopic = 'arn:aws:sns:us-east-1:999999999999:x';
      expect(decide({ identityPolicies: [perAccount], request: request('sns:Publish', foreignTopic) }).allowed).toBe(false);
    });

    it('reads ${...} literally in a policy without the 2012-10-17 version', () => {
      const old: NamedPolicy = {
        name: 'Old',
        document: { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${aws:username}/*` } },
      };
      expect(decide({ identityPolicies: [old], request: request('s3:GetObject', `${BUCKET}/\${aws:username}/a`) }).allowed).toBe(true);
      expect(decide({ identityPolicies: [old], request: request('s3:GetObject', `${BUCKET}/alice/a`) }).allowed).toBe(false);
    });

    it('raises on a statement without Action or NotAction', () => {
      const broken = policy('Broken', { Effect: 'Allow', Resource: '*' });
      expect(() => decide({ identityPolicies: [broken], request: request('s3:GetObject', BUCKET) })).toThrow(MalformedPolicyError);
    });
  });

  describe('bucket policy denying plain HTTP', () => {
    const object = `${BUCKET}/originals/a.jpg`;

    it('denies the role over plain HTTP although its identity policy allows', () => {
      const decision = decide({ resourcePolicy: bucketPolicy, request: request('s3:GetObject', object, { 'aws:SecureTransport': false }) });
      expect(decision).toEqual({
        allowed: false,
        reason: 'explicit-deny',
        matched: [{ policy: 'StorageMediaPolicy', effect: 'Deny', statementIndex: 0 }],
      });
    });

    it('allows the same call over TLS', () => {
      const decision = decide({ resourcePolicy: bucketPolicy, request: request('s3:GetObject', object, { 'aws:SecureTransport': true }) });
      expect(decision.allowed).toBe(true);
      expect(decision.matched).toEqual([{ policy: 'ComputeApiRoleDefaultPolicy', effect: 'Allow', statementIndex: 3 }]);
    });

    it('denies even services over plain HTTP', () => {
      const cloudfront: Principal = { type: 'service', service: 'cloudfront.amazonaws.com', sourceArn: DISTRIBUTION };
      const decision = decide({
        principal: cloudfront,
        resourcePolicy: bucketPolicy,
        request: request('s3:GetObject', `${BUCKET}/renditions/a.webp`, { 'aws:SecureTransport': false }),
      });
      expect(decision.reason).toBe('explicit-deny');
    });
  });

  describe('service principals', () => {
    const cloudfront = (sourceArn: string): Principal => ({
      type: 'service',
      service: 'cloudfront.amazonaws.com',
      sourceArn,
      sourceAccount: ACCOUNT,
    });
    const read = (principal: Principal, key: string) =>
      decide({ principal, resourcePolicy: bucketPolicy, request: request('s3:GetObject', `${BUCKET}/${key}`) });

    it('lets CloudFront read renditions for the stage distribution only', () => {
      const allowed = read(cloudfront(DISTRIBUTION), 'renditions/o/a.webp');
      expect(allowed).toEqual({
        allowed: true,
        reason: 'allowed',
        matched: [{ policy: 'StorageMediaPolicy', sid: 'CloudFrontReadsRenditions', effect: 'Allow', statementIndex: 1 }],
      });
      const otherDistribution = read(cloudfront(`arn:aws:cloudfront::${ACCOUNT}:distribution/EOTHER`), 'renditions/o/a.webp');
      expect(otherDistribution.reason).toBe('implicit-deny');
    });

    it('keeps CloudFront out of originals', () => {
      expect(read(cloudfront(DISTRIBUTION), 'originals/a.jpg').allowed).toBe(false);
    });

    it('lets SNS deliver to a queue from the matching topic only (ArnLike aws:SourceArn)', () => {
      const sns = (sourceArn?: string): Principal =>
        sourceArn === undefined
          ? { type: 'service', service: 'sns.amazonaws.com' }
          : { type: 'service', service: 'sns.amazonaws.com', sourceArn };
      const send = (principal: Principal) => decide({ principal, resourcePolicy: queuePolicy, request: request('sqs:SendMessage', QUEUE) });
      expect(send(sns(TOPIC)).allowed).toBe(true);
      expect(send(sns(`arn:aws:sns:us-east-1:${ACCOUNT}:Elsewhere`)).reason).toBe('implicit-deny');
      expect(send(sns()).reason).toBe('implicit-deny');
    });

    it('matches the service name only, case-insensitively', () => {
      const s3: Principal = { type: 'service', service: 's3.amazonaws.com', sourceArn: TOPIC };
      expect(decide({ principal: s3, resourcePolicy: queuePolicy, request: request('sqs:SendMessage', QUEUE) }).allowed).toBe(false);
      const shouting: Principal = { type: 'service', service: 'SNS.amazonaws.com', sourceArn: TOPIC };
      expect(decide({ principal: shouting, resourcePolicy: queuePolicy, request: request('sqs:SendMessage', QUEUE) }).allowed).toBe(true);
    });

    it('ignores identity policies for services', () => {
      const broad = policy('Broad', { Effect: 'Allow', Action: '*', Resource: '*' });
      const sns: Principal = { type: 'service', service: 'sns.amazonaws.com', sourceArn: TOPIC };
      expect(decide({ principal: sns, identityPolicies: [broad], request: request('sqs:DeleteQueue', QUEUE) }).allowed).toBe(false);
    });

    it('checks aws:SourceAccount from the principal', () => {
      const alarms = policy('AlarmTopicPolicy', {
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: TOPIC,
        Condition: {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:*` },
        },
      });
      const alarm = `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:Errors`;
      const publish = (sourceAccount: string, forged?: string) =>
        decide({
          principal: { type: 'service', service: 'cloudwatch.amazonaws.com', sourceArn: alarm, sourceAccount },
          resourcePolicy: alarms,
          request: request('sns:Publish', TOPIC, forged === undefined ? {} : { 'aws:SourceAccount': forged }),
        }).allowed;
      expect(publish(ACCOUNT)).toBe(true);
      expect(publish('999999999999')).toBe(false);
      expect(publish('999999999999', ACCOUNT)).toBe(false);
    });
  });

  describe('resource policy principals', () => {
    const reader = (principalElement: NonNullable<PolicyStatement['Principal']>) =>
      policy('QueuePolicy', { Effect: 'Allow', Principal: principalElement, Action: 'sqs:ReceiveMessage', Resource: QUEUE });
    const receive = (resourcePolicy: NamedPolicy, principal: Principal = apiRole) =>
      decide({ principal, identityPolicies: [], resourcePolicy, request: request('sqs:ReceiveMessage', QUEUE) });

    it('allows a role named by its ARN, or by its session ARN', () => {
      expect(receive(reader({ AWS: API_ROLE })).allowed).toBe(true);
      expect(receive(reader({ AWS: [`arn:aws:sts::${ACCOUNT}:assumed-role/Mediaflow-dev-ComputeApiRole/api`] })).allowed).toBe(true);
      expect(receive(reader({ AWS: TRANSCODING_ROLE })).allowed).toBe(false);
    });

    it('leaves the decision to identity policies when the account is named', () => {
      for (const value of [`arn:aws:iam::${ACCOUNT}:root`, ACCOUNT]) {
        expect(receive(reader({ AWS: value })).reason).toBe('implicit-deny');
        const grant = policy('Grant', { Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: QUEUE });
        const withGrant = decide({ identityPolicies: [grant], resourcePolicy: reader({ AWS: value }), request: request('sqs:ReceiveMessage', QUEUE) });
        expect(withGrant.allowed).toBe(true);
      }
    });

    it('applies a Deny that names the account to the roles in it', () => {
      const deny = policy('Lock', { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sqs:*', Resource: QUEUE });
      const grant = policy('Grant', { Effect: 'Allow', Action: 'sqs:*', Resource: QUEUE });
      expect(decide({ identityPolicies: [grant], resourcePolicy: deny, request: request('sqs:ReceiveMessage', QUEUE) }).reason).toBe('explicit-deny');
    });

    it('lets anonymous callers in only through "*"', () => {
      expect(receive(reader('*'), anonymous).allowed).toBe(true);
      expect(receive(reader({ AWS: '*' }), anonymous).allowed).toBe(true);
      expect(receive(reader({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), anonymous).allowed).toBe(false);
      expect(receive(reader({ Service: 'sns.amazonaws.com' }), anonymous).allowed).toBe(false);
      expect(decide({ principal: anonymous, request: request('s3:GetObject', `${BUCKET}/originals/a`) }).allowed).toBe(false);
    });

    it('ignores resource policy statements without a principal', () => {
      const noPrincipal = policy('Odd', { Effect: 'Allow', Action: 'sqs:*', Resource: QUEUE });
      expect(receive(noPrincipal).allowed).toBe(false);
    });

    it('applies NotPrincipal to everyone it does not name', () => {
      const lock = policy('Lock', { Effect: 'Deny', NotPrincipal: { AWS: API_ROLE }, Action: 'sqs:*', Resource: QUEUE });
      const grant = policy('Grant', { Effect: 'Allow', Action: 'sqs:*', Resource: QUEUE });
      expect(decide({ identityPolicies: [grant], resourcePolicy: lock, request: request('sqs:ReceiveMessage', QUEUE) }).allowed).toBe(true);
      const other: Principal = { ...apiRole, roleArn: TRANSCODING_ROLE };
      expect(decide({ principal: other, identityPolicies: [grant], resourcePolicy: lock, request: request('sqs:ReceiveMessage', QUEUE) }).reason).toBe(
        'explicit-deny',
      );
    });

    it('across accounts, requires both the identity and the resource side', () => {
      const foreign = '210987654321';
      const grant = policy('Grant', { Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: '*' });
      const trustAccount = reader({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
      const cross = (identityPolicies: NamedPolicy[], resourcePolicy?: NamedPolicy) =>
        decide({ identityPolicies, resourcePolicy, resourceAccountId: foreign, request: request('sqs:ReceiveMessage', QUEUE) });
      expect(cross([grant], trustAccount).allowed).toBe(true);
      expect(cross([grant]).allowed).toBe(false);
      expect(cross([], reader({ AWS: API_ROLE })).allowed).toBe(false);
      expect(cross([grant], reader({ AWS: API_ROLE })).allowed).toBe(true);
    });
  });
});
