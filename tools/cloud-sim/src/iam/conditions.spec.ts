import { conditionsHold, type ConditionBlock } from './conditions.js';
import type { ConditionValues } from './context.js';
import { MalformedPolicyError, UnsupportedPolicyError } from './errors.js';
import type { VariableResolver } from './glob.js';

function valuesOf(context: Record<string, string | string[] | boolean | number>): ConditionValues {
  return new Map(
    Object.entries(context).map(([key, value]) => [key.toLowerCase(), Array.isArray(value) ? value : [String(value)]]),
  );
}

function holds(block: ConditionBlock, context: Record<string, string | string[] | boolean | number> = {}): boolean {
  const values = valuesOf(context);
  const resolver: VariableResolver = (key: string) => {
    const found = values.get(key.toLowerCase());
    return found?.length === 1 ? found[0] : undefined;
  };
  return conditionsHold(block, values, resolver);
}

describe('conditionsHold', () => {
  describe('string operators', () => {
    it('StringEquals compares exactly; several values are alternatives', () => {
      const block = { StringEquals: { 'iam:PassedToService': ['mediaconvert.amazonaws.com', 'lambda.amazonaws.com'] } };
      expect(holds(block, { 'iam:PassedToService': 'mediaconvert.amazonaws.com' })).toBe(true);
      expect(holds(block, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(true);
      expect(holds(block, { 'iam:PassedToService': 'MediaConvert.amazonaws.com' })).toBe(false);
      expect(holds(block, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(false);
    });

    it('StringEquals reads `*` literally', () => {
      expect(holds({ StringEquals: { 's3:prefix': 'renditions/*' } }, { 's3:prefix': 'renditions/a' })).toBe(false);
      expect(holds({ StringEquals: { 's3:prefix': 'renditions/*' } }, { 's3:prefix': 'renditions/*' })).toBe(true);
    });

    it('finds keys whatever their case', () => {
      const distribution = 'arn:aws:cloudfront::1:distribution/D';
      expect(holds({ StringEquals: { 'AWS:SourceArn': distribution } }, { 'aws:sourcearn': distribution })).toBe(true);
    });

    it('StringEqualsIgnoreCase and StringNotEqualsIgnoreCase ignore case of values', () => {
      expect(holds({ StringEqualsIgnoreCase: { k: 'ABC' } }, { k: 'abc' })).toBe(true);
      expect(holds({ StringNotEqualsIgnoreCase: { k: 'ABC' } }, { k: 'abc' })).toBe(false);
      expect(holds({ StringNotEqualsIgnoreCase: { k: 'ABC' } }, { k: 'abd' })).toBe(true);
    });

    it('StringLike matches wildcards, case-sensitively', () => {
      const block = { StringLike: { 's3:prefix': ['renditions/*'] } };
      expect(holds(block, { 's3:prefix': 'renditions/o/a/' })).toBe(true);
      expect(holds(block, { 's3:prefix': 'originals/' })).toBe(false);
      expect(holds(block, { 's3:prefix': 'Renditions/' })).toBe(false);
      expect(holds(block)).toBe(false);
    });

    it('negated operators hold when the key is absent and when no value matches', () => {
      expect(holds({ StringNotEquals: { k: 'a' } })).toBe(true);
      expect(holds({ StringNotEquals: { k: ['a', 'b'] } }, { k: 'b' })).toBe(false);
      expect(holds({ StringNotEquals: { k: ['a', 'b'] } }, { k: 'c' })).toBe(true);
      expect(holds({ StringNotLike: { k: 'a*' } }, { k: 'abc' })).toBe(false);
      expect(holds({ StringNotLike: { k: 'a*' } }, { k: 'bcd' })).toBe(true);
    });

    it('substitutes policy variables in values', () => {
      const block = { StringEquals: { 'aws:SourceAccount': '${aws:PrincipalAccount}' } };
      expect(holds(block, { 'aws:SourceAccount': '1', 'aws:PrincipalAccount': '1' })).toBe(true);
      expect(holds(block, { 'aws:SourceAccount': '1', 'aws:PrincipalAccount': '2' })).toBe(false);
      expect(holds(block, { 'aws:SourceAccount': '1' })).toBe(false);
    });

    it('reads ${...} literally without a resolver (a 2008-10-17 policy)', () => {
      const values = valuesOf({ k: '${aws:username}' });
      expect(conditionsHold({ StringEquals: { k: '${aws:username}' } }, values, undefined)).toBe(true);
    });
  });

  describe('ARN operators', () => {
    const source = 'arn:aws:s3:::mediaflow-dev-media';
    it('ArnLike and ArnEquals both accept wildcards, field by field', () => {
      expect(holds({ ArnLike: { 'aws:SourceArn': source } }, { 'aws:SourceArn': source })).toBe(true);
      expect(holds({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::mediaflow-*' } }, { 'aws:SourceArn': source })).toBe(true);
      expect(holds({ ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::mediaflow-*' } }, { 'aws:SourceArn': source })).toBe(true);
      expect(holds({ ArnLike: { 'aws:SourceArn': source } }, { 'aws:SourceArn': 'arn:aws:s3:::other' })).toBe(false);
    });

    it('ArnNotEquals and ArnNotLike negate', () => {
      expect(holds({ ArnNotEquals: { 'aws:SourceArn': source } }, { 'aws:SourceArn': source })).toBe(false);
      expect(holds({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::other*' } }, { 'aws:SourceArn': source })).toBe(true);
      expect(holds({ ArnNotLike: { 'aws:SourceArn': source } })).toBe(true);
    });
  });

  describe('Bool, numbers, dates, addresses', () => {
    it('Bool compares true/false text whatever its case or type', () => {
      expect(holds({ Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': false })).toBe(true);
      expect(holds({ Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': true })).toBe(false);
      expect(holds({ Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': 'FALSE' })).toBe(true);
      expect(holds({ Bool: { 'aws:SecureTransport': 'false' } })).toBe(false);
    });

    it.each([
      ['NumericEquals', '10', true, false, false],
      ['NumericNotEquals', '10', false, true, true],
      ['NumericLessThan', '10', false, true, false],
      ['NumericLessThanEquals', '10', true, true, false],
      ['NumericGreaterThan', '10', false, false, true],
      ['NumericGreaterThanEquals', '10', true, false, true],
    ])('%s %s: equal %s, below %s, above %s', (operator, limit, equal, below, above) => {
      expect(holds({ [operator]: { 's3:max-keys': limit } }, { 's3:max-keys': 10 })).toBe(equal);
      expect(holds({ [operator]: { 's3:max-keys': limit } }, { 's3:max-keys': '9.5' })).toBe(below);
      expect(holds({ [operator]: { 's3:max-keys': limit } }, { 's3:max-keys': 11 })).toBe(above);
    });

    it('a value that is not a number never satisfies a numeric test', () => {
      expect(holds({ NumericLessThan: { n: '10' } }, { n: 'ten' })).toBe(false);
      expect(holds({ NumericLessThan: { n: 'ten' } }, { n: '1' })).toBe(false);
    });

    it('compares dates given as ISO text or epoch seconds', () => {
      const block = { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } };
      expect(holds(block, { 'aws:CurrentTime': '2029-12-31T23:59:59Z' })).toBe(true);
      expect(holds(block, { 'aws:CurrentTime': String(Date.UTC(2030, 0, 2) / 1000) })).toBe(false);
      expect(holds({ DateGreaterThanEquals: { t: '1700000000' } }, { t: '2023-11-14T22:13:20Z' })).toBe(true);
    });

    it('IpAddress and NotIpAddress test CIDR blocks of both families', () => {
      const block = { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } };
      expect(holds(block, { 'aws:SourceIp': '203.0.113.77' })).toBe(true);
      expect(holds(block, { 'aws:SourceIp': '203.0.114.1' })).toBe(false);
      expect(holds(block, { 'aws:SourceIp': '2001:db8:1::5' })).toBe(true);
      expect(holds(block, { 'aws:SourceIp': 'not-an-ip' })).toBe(false);
      expect(holds({ IpAddress: { 'aws:SourceIp': '127.0.0.1' } }, { 'aws:SourceIp': '127.0.0.1' })).toBe(true);
      expect(holds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '192.168.1.1' })).toBe(true);
      expect(holds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(false);
    });
  });

  describe('Null and IfExists', () => {
    it('Null true asks for an absent key, false for a present one', () => {
      expect(holds({ Null: { 'aws:SourceArn': 'true' } })).toBe(true);
      expect(holds({ Null: { 'aws:SourceArn': 'true' } }, { 'aws:SourceArn': 'x' })).toBe(false);
      expect(holds({ Null: { 'aws:SourceArn': false } }, { 'aws:SourceArn': 'x' })).toBe(true);
      expect(holds({ Null: { 'aws:SourceArn': 'false' } })).toBe(false);
    });

    it('IfExists holds when the key is absent and tests it when present', () => {
      const block = { StringEqualsIfExists: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } };
      expect(holds(block)).toBe(true);
      expect(holds(block, { 'iam:PassedToService': 'mediaconvert.amazonaws.com' })).toBe(true);
      expect(holds(block, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(false);
      expect(holds({ BoolIfExists: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': true })).toBe(false);
    });

    it('refuses NullIfExists', () => {
      expect(() => holds({ NullIfExists: { k: 'true' } })).toThrow(MalformedPolicyError);
    });
  });

  describe('set qualifiers', () => {
    const keys = ['pk', 'sk'];
    it('ForAnyValue holds when one request value matches, and fails on an absent key', () => {
      const block = { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': keys } };
      expect(holds(block, { 'dynamodb:Attributes': ['title', 'sk'] })).toBe(true);
      expect(holds(block, { 'dynamodb:Attributes': ['title'] })).toBe(false);
      expect(holds(block)).toBe(false);
    });

    it('ForAllValues holds when every request value matches, and on an absent key', () => {
      const block = { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': keys } };
      expect(holds(block, { 'dynamodb:Attributes': ['pk', 'sk'] })).toBe(true);
      expect(holds(block, { 'dynamodb:Attributes': ['pk', 'title'] })).toBe(false);
      expect(holds(block)).toBe(true);
    });

    it('ForAnyValue with a negated operator asks for one value outside the list', () => {
      const block = { 'ForAnyValue:StringNotEquals': { 'dynamodb:LeadingKeys': ['owner-1'] } };
      expect(holds(block, { 'dynamodb:LeadingKeys': ['owner-1', 'owner-2'] })).toBe(true);
      expect(holds(block, { 'dynamodb:LeadingKeys': ['owner-1'] })).toBe(false);
    });

    it('ForAllValues with StringLike checks each value against the patterns', () => {
      const block = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['owner-*'] } };
      expect(holds(block, { 'dynamodb:LeadingKeys': ['owner-1', 'owner-2'] })).toBe(true);
      expect(holds(block, { 'dynamodb:LeadingKeys': ['owner-1', 'admin'] })).toBe(false);
    });

    it('ForAnyValue...IfExists holds on an absent key', () => {
      expect(holds({ 'ForAnyValue:StringEqualsIfExists': { k: 'a' } })).toBe(true);
    });
  });

  describe('a block', () => {
    it('requires every operator and every key to hold', () => {
      const block = {
        ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:*' },
        StringEquals: { 'aws:SourceAccount': '123456789012' },
      };
      const arn = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:Errors';
      expect(holds(block, { 'aws:SourceArn': arn, 'aws:SourceAccount': '123456789012' })).toBe(true);
      expect(holds(block, { 'aws:SourceArn': arn, 'aws:SourceAccount': '999999999999' })).toBe(false);
      expect(holds(block, { 'aws:SourceArn': arn })).toBe(false);
      expect(holds({ StringEquals: { a: '1', b: '2' } }, { a: '1', b: '3' })).toBe(false);
    });

    it('holds when empty', () => {
      expect(holds({})).toBe(true);
    });

    it('raises on operators the simulator does not emulate and on unresolved values', () => {
      expect(() => holds({ BinaryEquals: { k: 'QUJD' } }, { k: 'x' })).toThrow(UnsupportedPolicyError);
      expect(() => holds({ StringEquals: { k: { Ref: 'AWS::AccountId' } } }, { k: 'x' })).toThrow(MalformedPolicyError);
    });
  });
});
