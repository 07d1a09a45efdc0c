import { PriceClass } from 'aws-cdk-lib/aws-cloudfront';
import { GUARD_RAIL_KEYS, InvalidContextError, parseGuardRails } from './guard-rails.js';

const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/mediaflow/473e64fd-f30b-4765-81a0-62ad96dd167a';

describe('parseGuardRails', () => {
  it('reads the five settings it owns', () => {
    expect([...GUARD_RAIL_KEYS].sort()).toEqual(['budgetEmail', 'budgetUsd', 'priceClass', 'storageQuotaBytes', 'webAclArn']);
  });

  it('takes a storage quota per user in whole bytes, and refuses anything else', () => {
    expect(parseGuardRails({ storageQuotaBytes: '107374182400' }).storageQuotaBytes).toBe(107_374_182_400);
    expect(parseGuardRails({ storageQuotaBytes: '' }).storageQuotaBytes).toBeUndefined();
    expect(() => parseGuardRails({ storageQuotaBytes: '1.5' })).toThrow(/-c storageQuotaBytes=1.5: must be a whole number of bytes/);
    expect(() => parseGuardRails({ storageQuotaBytes: '0' })).toThrow(/-c storageQuotaBytes=0: must be a number of bytes above 0/);
    expect(() => parseGuardRails({ storageQuotaBytes: '100GB' })).toThrow(/-c storageQuotaBytes=100GB: must be a number of bytes/);
  });

  it('defaults to PriceClass_100, no web ACL and no budget', () => {
    expect(parseGuardRails({})).toEqual({ priceClass: PriceClass.PRICE_CLASS_100 });
    // `-c key=` is the same as leaving the key out
    expect(parseGuardRails({ budgetUsd: '', budgetEmail: '', priceClass: '', webAclArn: '', storageQuotaBytes: '' })).toEqual({ priceClass: PriceClass.PRICE_CLASS_100 });
  });

  it('takes a budget in USD from the command line (a string) or cdk.json (a number), with the address it warns', () => {
    expect(parseGuardRails({ budgetUsd: '500', budgetEmail: 'ops@example.com' }).budget).toEqual({ limitUsd: 500, email: 'ops@example.com' });
    expect(parseGuardRails({ budgetUsd: 1250.5, budgetEmail: 'ops@example.com' }).budget).toEqual({ limitUsd: 1250.5, email: 'ops@example.com' });
  });

  it('warns the alarm address when the budget has none of its own', () => {
    expect(parseGuardRails({ budgetUsd: '500' }, { alarmEmail: 'alarms@example.com' }).budget).toEqual({ limitUsd: 500, email: 'alarms@example.com' });
    expect(parseGuardRails({ budgetUsd: '500', budgetEmail: 'ops@example.com' }, { alarmEmail: 'alarms@example.com' }).budget?.email).toBe('ops@example.com');
  });

  it('refuses a budget nobody would hear of, and an address without a limit', () => {
    expect(() => parseGuardRails({ budgetUsd: '500' })).toThrow(/budgetUsd=500 needs someone to warn: add -c budgetEmail=/);
    expect(() => parseGuardRails({ budgetEmail: 'ops@example.com' })).toThrow(/needs the monthly limit it warns about: add -c budgetUsd=/);
    expect(() => parseGuardRails({ budgetUsd: '500' }, { alarmEmail: 'not-an-address' })).toThrow(/-c alarmEmail=not-an-address: must be an e-mail address/);
  });

  it.each([
    [{ budgetUsd: 'five hundred', budgetEmail: 'ops@example.com' }, /-c budgetUsd=five hundred: must be a monthly amount in USD/],
    [{ budgetUsd: '0', budgetEmail: 'ops@example.com' }, /-c budgetUsd=0: must be a monthly amount in USD above 0/],
    [{ budgetUsd: '-20', budgetEmail: 'ops@example.com' }, /-c budgetUsd=-20: must be a monthly amount in USD above 0/],
    [{ budgetUsd: '500', budgetEmail: 'ops' }, /-c budgetEmail=ops: must be an e-mail address/],
  ])('refuses a malformed budget: %j', (context, message) => {
    expect(() => parseGuardRails(context)).toThrow(InvalidContextError);
    expect(() => parseGuardRails(context)).toThrow(message);
  });

  it('takes any of CloudFront\'s three price classes by the name CloudFormation uses', () => {
    expect(parseGuardRails({ priceClass: 'PriceClass_200' }).priceClass).toBe(PriceClass.PRICE_CLASS_200);
    expect(parseGuardRails({ priceClass: 'PriceClass_All' }).priceClass).toBe(PriceClass.PRICE_CLASS_ALL);
  });

  it.each(['PriceClass_300', 'priceclass_all', 'ALL', '100'])('refuses the price class %s, naming the valid ones', (priceClass) => {
    expect(() => parseGuardRails({ priceClass })).toThrow(`-c priceClass=${priceClass}: must be one of PriceClass_100, PriceClass_200, PriceClass_All`);
  });

  it('takes the ARN of a web ACL with scope CLOUDFRONT', () => {
    expect(parseGuardRails({ webAclArn: WEB_ACL }).webAclArn).toBe(WEB_ACL);
  });

  it.each([
    ['a regional web ACL', 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/mediaflow/473e64fd-f30b-4765-81a0-62ad96dd167a'],
    ['a CLOUDFRONT-scoped ARN outside us-east-1', 'arn:aws:wafv2:eu-west-1:123456789012:global/webacl/mediaflow/473e64fd-f30b-4765-81a0-62ad96dd167a'],
    ['a WAF Classic id', '473e64fd-f30b-4765-81a0-62ad96dd167a'],
    ['an IP set', 'arn:aws:wafv2:us-east-1:123456789012:global/ipset/mediaflow/473e64fd-f30b-4765-81a0-62ad96dd167a'],
    ['a short account id', 'arn:aws:wafv2:us-east-1:12345:global/webacl/mediaflow/473e64fd-f30b-4765-81a0-62ad96dd167a'],
  ])('refuses %s as the web ACL', (_what, webAclArn) => {
    expect(() => parseGuardRails({ webAclArn })).toThrow(/-c webAclArn=.*: must be the ARN of a WAFv2 web ACL with scope CLOUDFRONT/);
  });

  it('names every bad setting at once', () => {
    expect(() => parseGuardRails({ priceClass: 'PriceClass_1', webAclArn: 'nope', budgetUsd: 'x' })).toThrow(/budgetUsd=x.*priceClass=PriceClass_1.*webAclArn=nope/);
  });
});
