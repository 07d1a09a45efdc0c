import type { CloudFrontPlanTier } from '@mediaflow/cost-model';
import { Aws, CfnCondition, CfnOutput, Fn, Token } from 'aws-cdk-lib';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { CfnSubscription } from 'aws-cdk-lib/aws-pricingplanmanager';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** WAF's rate-based rules count over a window of this many seconds (the longest but one it offers). */
export const RATE_WINDOW_SECONDS = 300;

/**
 * How many callers one address is allowed for: people behind one office or carrier NAT share it,
 * and one caller's own limit is enforced by the api function (`perCaller`), so the edge only stops
 * an address sending far more than any few callers could.
 */
export const CALLERS_PER_ADDRESS = 4;

export interface EdgePlanProps {
  /** Name prefix of the web ACL and its metrics, e.g. `mediaflow-prod`. */
  readonly name: string;
  /** The flat-rate plan to subscribe the distribution to. */
  readonly tier: CloudFrontPlanTier;
  /** One caller's steady requests a second (the capacity plan's `perCaller.perSecond`). */
  readonly perCallerPerSecond: number;
  /** A web ACL of the stage's own (`-c webAclArn=...`); without one, this construct makes it. */
  readonly webAclArn?: string;
}

/**
 * The distribution's CloudFront flat-rate plan (`chooseCloudFrontPricing` of `@mediaflow/cost-model`
 * picks it for the stage's scale): a fixed monthly fee in place of per-GB and per-request prices,
 * which needs a WAF web ACL on the distribution, included in the fee. The ACL made here limits each
 * address's `/api/*` requests at the edge ({@link perAddressLimit}), answering 429 over it.
 *
 * CloudFront web ACLs and plan subscriptions exist only in us-east-1, so both are conditional on
 * the stack being there; elsewhere the distribution is paid for by usage and there is no
 * `CloudFrontPlan` output. Paid subscriptions start as `PENDING_APPROVAL`: billing by the plan begins once the
 * account approves it (docs/deploy.md, "CloudFront plan"); until then the distribution is billed by
 * usage. CloudFormation cannot change a subscription's tier, so a larger plan is chosen through the
 * PricingPlanManager API and then written into the context (`-c cloudFrontPlan=...`).
 *
 * Use it in two steps, since the distribution needs the ACL and the subscription the distribution:
 * `webAclArn` before making the distribution, `subscribe(distribution)` after.
 */
export class EdgePlan extends Construct {
  /** The web ACL to put on the distribution: the stage's own, else this construct's where it can exist. */
  readonly webAclArn: string;
  private readonly inUsEast1: CfnCondition;
  /** The web ACL this construct made, when the stage has none of its own. */
  private readonly acl: CfnWebACL | undefined;

  constructor(scope: Construct, id: string, private readonly props: EdgePlanProps) {
    super(scope, id);
    this.inUsEast1 = new CfnCondition(this, 'InUsEast1', { expression: Fn.conditionEquals(Aws.REGION, 'us-east-1') });
    if (props.webAclArn !== undefined) {
      this.webAclArn = props.webAclArn;
      this.acl = undefined;
      return;
    }
    const visibility = (metric: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.name}-${metric}`,
      sampledRequestsEnabled: true,
    });
    const acl = new CfnWebACL(this, 'WebAcl', {
      name: `${props.name}-edge`,
      // WAF descriptions allow letters, digits, spaces and =:#@/-,. only.
      description: 'Required by the CloudFront flat-rate plan. Limits each address on /api/ paths.',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('edge'),
      rules: [
        {
          name: 'api-per-address',
          priority: 0,
          action: { block: { customResponse: { responseCode: 429, responseHeaders: [{ name: 'retry-after', value: String(RATE_WINDOW_SECONDS) }] } } },
          statement: {
            rateBasedStatement: {
              limit: perAddressLimit(props.perCallerPerSecond),
              evaluationWindowSec: RATE_WINDOW_SECONDS,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: '/api/',
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: visibility('api-per-address'),
        },
      ],
    });
    acl.cfnOptions.condition = this.inUsEast1;
    this.acl = acl;
    this.webAclArn = Token.asString(Fn.conditionIf(this.inUsEast1.logicalId, acl.attrArn, Aws.NO_VALUE));
  }

  /** Subscribes the distribution (with the web ACL) to the plan, where the stack is in us-east-1. */
  subscribe(distribution: IDistribution): void {
    // The subscription is conditional as the ACL is, so it can name the ACL's ARN directly.
    const arns = [distribution.distributionArn, this.acl === undefined ? this.webAclArn : this.acl.attrArn];
    const subscription = new CfnSubscription(this, 'Subscription', { planFamily: 'CloudFront', planTier: this.props.tier, resourceArns: arns });
    subscription.cfnOptions.condition = this.inUsEast1;
    // Only where the subscription exists: outside us-east-1 the stage pays by usage and has no plan to approve.
    new CfnOutput(this, 'CloudFrontPlan', {
      key: 'CloudFrontPlan',
      condition: this.inUsEast1,
      value: subscription.attrArn,
      description: `The ${this.props.tier} flat-rate plan's subscription; approve it to start billing by the plan (docs/deploy.md, "CloudFront plan")`,
    });
  }
}

/**
 * The most `/api/*` requests one address may make in {@link RATE_WINDOW_SECONDS}: what
 * {@link CALLERS_PER_ADDRESS} callers at their own limit would send.
 *
 * @example perAddressLimit(5) // 6000
 */
export function perAddressLimit(perCallerPerSecond: number): number {
  return Math.ceil(perCallerPerSecond * RATE_WINDOW_SECONDS * CALLERS_PER_ADDRESS);
}
