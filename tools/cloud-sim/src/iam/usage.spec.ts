import { DEFAULT_ACCOUNT, type Authorization, type Principal } from '../types.js';
import type { RoleSpec } from '../specs.js';
import { authorize } from './evaluate.js';
import { formatReport } from './format-report.js';
import { PermissionLedger, type UnusedGrant } from './usage.js';

const ACCOUNT = DEFAULT_ACCOUNT.accountId;
const BUCKET = 'arn:aws:s3:::mediaflow-dev-media';
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/MediaflowDevMedia`;

const imageRole: RoleSpec = {
  logicalId: 'ComputeImageRole57C5A10B',
  name: 'Mediaflow-dev-ComputeImageRole',
  arn: `arn:aws:iam::${ACCOUNT}:role/Mediaflow-dev-ComputeImageRole`,
  assumeRolePolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  policies: [
    {
      name: 'ComputeImageRoleDefaultPolicy',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/originals/*` },
          { Sid: 'Renditions', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject', 's3:Abort*'], Resource: `${BUCKET}/renditions/*` },
          { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: [TABLE, `${TABLE}/index/*`] },
          { Effect: 'Deny', Action: 'sqs:DeleteQueue', Resource: '*' },
          { Effect: 'Allow', NotAction: ['iam:*', 's3:*', 'dynamodb:*'], NotResource: `${BUCKET}/private/*` },
        ],
      },
    },
  ],
};

const idleRole: RoleSpec = {
  ...imageRole,
  logicalId: 'ComputeTaggingRole18B78955',
  name: 'Mediaflow-dev-ComputeTaggingRole',
  arn: `arn:aws:iam::${ACCOUNT}:role/service/Mediaflow-dev-ComputeTaggingRole`,
  policies: [{ name: 'Tagging', document: { Statement: { Effect: 'Allow', Action: 'rekognition:DetectLabels', Resource: '*' } } }],
};

const principal: Principal = { type: 'role', roleArn: imageRole.arn, sessionName: 'image', accessKeyId: 'ASIAIMAGE' };

function call(ledger: PermissionLedger, request: Authorization, recordAs = imageRole.arn): void {
  const decision = authorize({ principal, identityPolicies: imageRole.policies, request, account: DEFAULT_ACCOUNT });
  ledger.record(recordAs, request, decision);
}

describe('PermissionLedger', () => {
  it('lists refused calls once each, with how often they were refused', () => {
    const ledger = new PermissionLedger();
    call(ledger, { action: 'iam:PassRole', resource: imageRole.arn });
    call(ledger, { action: 'iam:PassRole', resource: imageRole.arn });
    call(ledger, { action: 'sqs:DeleteQueue', resource: '*' });
    const [image] = ledger.report([imageRole]);
    expect(image?.denied).toEqual([
      { action: 'iam:PassRole', resource: imageRole.arn, reason: 'implicit-deny', count: 2 },
      { action: 'sqs:DeleteQueue', resource: '*', reason: 'explicit-deny', count: 1 },
    ]);
  });

  it('lists each action pattern of an Allow that no allowed call used', () => {
    const ledger = new PermissionLedger();
    call(ledger, { action: 's3:GetObject', resource: `${BUCKET}/originals/a.jpg` });
    call(ledger, { action: 's3:AbortMultipartUpload', resource: `${BUCKET}/renditions/a.webp` });
    call(ledger, { action: 'dynamodb:PutItem', resource: TABLE });
    const [image] = ledger.report([imageRole]);
    expect(image?.unusedGrants).toEqual([
      { policy: 'ComputeImageRoleDefaultPolicy', sid: 'Renditions', action: 's3:PutObject', resources: [`${BUCKET}/renditions/*`] },
      { policy: 'ComputeImageRoleDefaultPolicy', sid: 'Renditions', action: 's3:DeleteObject', resources: [`${BUCKET}/renditions/*`] },
      { policy: 'ComputeImageRoleDefaultPolicy', action: 'dynamodb:GetItem', resources: [TABLE, `${TABLE}/index/*`] },
      {
        policy: 'ComputeImageRoleDefaultPolicy',
        action: 'NotAction: iam:*, s3:*, dynamodb:*',
        resources: [`NotResource: ${BUCKET}/private/*`],
      },
    ]);
  });

  it('does not count calls refused by a Deny as use of the grants they matched', () => {
    const ledger = new PermissionLedger();
    // Both the NotAction grant and the Deny match: the call is refused, so the grant stays unused.
    call(ledger, { action: 'sqs:DeleteQueue', resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:MediaflowDevImage` });
    expect(ledger.report([imageRole])[0]?.denied[0]?.reason).toBe('explicit-deny');
    const grants = ledger.report([imageRole])[0]?.unusedGrants.map((grant: UnusedGrant) => grant.action);
    expect(grants).toContain('NotAction: iam:*, s3:*, dynamodb:*');
  });

  it('files calls recorded under a session ARN under the role', () => {
    const ledger = new PermissionLedger();
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/Mediaflow-dev-ComputeImageRole/image`;
    call(ledger, { action: 'iam:CreateUser', resource: '*' }, session);
    expect(ledger.report([imageRole])[0]?.denied).toEqual([{ action: 'iam:CreateUser', resource: '*', reason: 'implicit-deny', count: 1 }]);
  });

  it('reports roles that never called anything with every grant unused', () => {
    const ledger = new PermissionLedger();
    call(ledger, { action: 's3:GetObject', resource: `${BUCKET}/originals/a.jpg` });
    expect(ledger.report([idleRole])).toEqual([
      {
        roleArn: idleRole.arn,
        roleName: idleRole.name,
        denied: [],
        unusedGrants: [{ policy: 'Tagging', action: 'rekognition:DetectLabels', resources: ['*'] }],
      },
    ]);
  });

  it('keeps grants of the same policy apart per role', () => {
    const ledger = new PermissionLedger();
    const shared = { name: 'Tagging', document: idleRole.policies[0]?.document ?? { Statement: [] } };
    const other: RoleSpec = { ...idleRole, name: 'Other', arn: `arn:aws:iam::${ACCOUNT}:role/Other`, policies: [shared] };
    const tagging: Principal = { type: 'role', roleArn: idleRole.arn, sessionName: 't', accessKeyId: 'ASIAT' };
    const request = { action: 'rekognition:DetectLabels', resource: '*' };
    ledger.record(idleRole.arn, request, authorize({ principal: tagging, identityPolicies: idleRole.policies, request, account: DEFAULT_ACCOUNT }));
    const [used, unused] = ledger.report([idleRole, other]);
    expect(used?.unusedGrants).toEqual([]);
    expect(unused?.unusedGrants).toHaveLength(1);
  });
});

describe('formatReport', () => {
  it('renders each role with aligned tables of refusals and unused grants', () => {
    const ledger = new PermissionLedger();
    call(ledger, { action: 'iam:PassRole', resource: imageRole.arn });
    call(ledger, { action: 's3:GetObject', resource: `${BUCKET}/originals/a.jpg` });
    call(ledger, { action: 's3:PutObject', resource: `${BUCKET}/renditions/a.webp` });
    call(ledger, { action: 's3:DeleteObject', resource: `${BUCKET}/renditions/a.webp` });
    call(ledger, { action: 'sqs:SendMessage', resource: '*' });
    call(ledger, { action: 'dynamodb:GetItem', resource: TABLE });
    const text = formatReport(ledger.report([imageRole, idleRole]));
    expect(text.split('\n')).toEqual([
      `Mediaflow-dev-ComputeImageRole  ${imageRole.arn}`,
      '  denied (1):',
      `    ACTION        ${'RESOURCE'.padEnd(imageRole.arn.length)}  REASON         COUNT`,
      `    iam:PassRole  ${imageRole.arn}  implicit-deny  1`,
      '  unused grants (2):',
      '    POLICY                         SID         ACTION            RESOURCES',
      `    ComputeImageRoleDefaultPolicy  Renditions  s3:Abort*         ${BUCKET}/renditions/*`,
      `    ComputeImageRoleDefaultPolicy  -           dynamodb:PutItem  ${TABLE}, ${TABLE}/index/*`,
      '',
      `Mediaflow-dev-ComputeTaggingRole  ${idleRole.arn}`,
      '  denied: none',
      '  unused grants (1):',
      '    POLICY   SID  ACTION                    RESOURCES',
      '    Tagging  -    rekognition:DetectLabels  *',
    ]);
  });
});
