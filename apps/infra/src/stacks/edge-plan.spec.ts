import { Template } from 'aws-cdk-lib/assertions';
import { planCapacity, parseWorkload, stackLimits } from '@mediaflow/cost-model';
import { parseCapacityContext } from '../capacity-context.js';
import { perAddressLimit, RATE_WINDOW_SECONDS } from '../constructs/edge-plan.js';
import { InvalidContextError } from '../guard-rails.js';
import { createApp } from '../main.js';
import { tempDir, testAssets } from '../testing/stack-assets.js';

// The stage's CloudFront plan is the one `mediaflow cost --capacity` chooses for its scale; these
// tests read the synthesized template for it.

function synthesize(context: Record<string, string>): Template {
  const app = createApp({ outdir: tempDir(), context }, testAssets());
  return Template.fromStack(app.node.findChild('Mediaflow-dev') as never);
}

const ACL_ARN = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/mine/473e64fd-f30b-4765-81a0-62ad96dd167a';

describe('the stage on a CloudFront flat-rate plan', () => {
  describe('by default (month 0)', () => {
    const template = synthesize({});
    const plan = planCapacity(parseWorkload(), { month: 0 });

    it('subscribes the distribution and its web ACL to the plan the capacity plan chooses', () => {
      expect(plan.cloudFront.pricing).toBe('BUSINESS');
      const subscriptions = Object.values(template.findResources('AWS::PricingPlanManager::Subscription'));
      expect(subscriptions).toHaveLength(1);
      const [subscription] = subscriptions;
      expect(subscription?.Properties).toMatchObject({ PlanFamily: 'CloudFront', PlanTier: 'BUSINESS' });
      const arns = JSON.stringify(subscription?.Properties.ResourceArns);
      const [distributionId] = Object.keys(template.findResources('AWS::CloudFront::Distribution'));
      const [aclId] = Object.keys(template.findResources('AWS::WAFv2::WebACL'));
      expect(arns).toContain(`"Ref":"${distributionId ?? '?'}"`);
      expect(arns).toContain(`"Fn::GetAtt":["${aclId ?? '?'}","Arn"]`);
    });

    it('puts the web ACL on the distribution, and both exist only in us-east-1', () => {
      const [aclId, acl] = Object.entries(template.findResources('AWS::WAFv2::WebACL'))[0] ?? [];
      expect(acl?.Properties.Scope).toBe('CLOUDFRONT');
      const conditions = template.toJSON().Conditions as Record<string, unknown>;
      const condition = acl?.Condition as string;
      expect(JSON.stringify(conditions[condition])).toBe(JSON.stringify({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }));
      const subscription = Object.values(template.findResources('AWS::PricingPlanManager::Subscription'))[0];
      expect(subscription?.Condition).toBe(condition);
      const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0];
      expect(distribution?.Properties.DistributionConfig.WebACLId).toEqual({ 'Fn::If': [condition, { 'Fn::GetAtt': [aclId, 'Arn'] }, { Ref: 'AWS::NoValue' }] });
    });

    it('limits each address on /api/* at what a few callers at their own limit would send, with 429', () => {
      const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0];
      const [rule] = acl?.Properties.Rules as { Action: unknown; Statement: { RateBasedStatement: Record<string, unknown> } }[];
      const perCaller = stackLimits({ month: 0 }).perCaller.perSecond;
      expect(rule?.Statement.RateBasedStatement).toMatchObject({ Limit: perAddressLimit(perCaller), EvaluationWindowSec: RATE_WINDOW_SECONDS, AggregateKeyType: 'IP' });
      expect(JSON.stringify(rule?.Statement.RateBasedStatement['ScopeDownStatement'])).toContain('"SearchString":"/api/"');
      expect(rule?.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429, ResponseHeaders: [{ Name: 'retry-after', Value: '300' }] } } });
    });

    it('says in an output, where the subscription exists, which one is to be approved', () => {
      const output = template.findOutputs('CloudFrontPlan')['CloudFrontPlan'];
      const [subscriptionId, subscription] = Object.entries(template.findResources('AWS::PricingPlanManager::Subscription'))[0] ?? [];
      expect(output).toMatchObject({ Condition: subscription?.Condition, Value: { 'Fn::GetAtt': [subscriptionId, 'Arn'] } });
    });
  });

  it('pays by usage at a scale no plan fits (month 36)', () => {
    const template = synthesize({ scale: 'month36' });
    expect(planCapacity(parseWorkload(), { month: 36 }).cloudFront.pricing).toBe('PAY_AS_YOU_GO');
    template.resourceCountIs('AWS::PricingPlanManager::Subscription', 0);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('takes -c cloudFrontPlan over the capacity plan, and the stage\u2019s own web ACL over one of its own', () => {
    const template = synthesize({ cloudFrontPlan: 'premium', webAclArn: ACL_ARN });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    const subscription = Object.values(template.findResources('AWS::PricingPlanManager::Subscription'))[0];
    expect(subscription?.Properties.PlanTier).toBe('PREMIUM');
    expect(subscription?.Properties.ResourceArns[1]).toBe(ACL_ARN);
    expect(JSON.stringify(subscription?.Properties.ResourceArns[0])).toContain(`"Ref":"${Object.keys(template.findResources('AWS::CloudFront::Distribution'))[0] ?? '?'}"`);
    template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: { WebACLId: ACL_ARN } });
  });

  it('reads -c cloudFrontPlan in any case and refuses what is not a plan', () => {
    expect(parseCapacityContext({ cloudFrontPlan: 'Business' })).toEqual({ cloudFrontPlan: 'BUSINESS' });
    expect(parseCapacityContext({ cloudFrontPlan: 'pay-as-you-go' })).toEqual({ cloudFrontPlan: 'PAY_AS_YOU_GO' });
    expect(() => parseCapacityContext({ cloudFrontPlan: 'gold' })).toThrow(InvalidContextError);
    expect(() => parseCapacityContext({ cloudFrontPlan: 'gold' })).toThrow(/pay-as-you-go, free, pro, business, premium/);
  });
});
