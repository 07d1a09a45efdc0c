import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { Construct } from 'constructs';

/** When the budget e-mails, in percent of its limit: spend so far (ACTUAL) and the month's forecast. */
export const BUDGET_WARNINGS: readonly { readonly notificationType: 'ACTUAL' | 'FORECASTED'; readonly threshold: number }[] = [
  { notificationType: 'ACTUAL', threshold: 80 },
  { notificationType: 'ACTUAL', threshold: 100 },
  { notificationType: 'FORECASTED', threshold: 100 },
];

/** A monthly limit and who hears about it. */
export interface BudgetSettings {
  /** Monthly limit, USD. */
  readonly limitUsd: number;
  /** The address AWS Budgets e-mails (no confirmation step, unlike an SNS subscription). */
  readonly email: string;
}

export interface MediaBudgetProps extends BudgetSettings {
  /** The budget's name, unique in the account: `mediaflow-<stage>`. */
  readonly name: string;
}

/**
 * A monthly AWS Budgets cost budget that e-mails at {@link BUDGET_WARNINGS}. It counts the whole
 * account's cost: the stack tags everything with `mediaflow:stage`, but a tag filters a budget only
 * once it is activated as a cost allocation tag in Billing, and a filter on a tag that is not active
 * matches nothing, so the budget would stay silent. Give each stage its own account to budget it
 * alone. Credits and refunds are left out, so an account living on credits is still warned when
 * what it uses passes the limit.
 */
export class MediaBudget extends Construct {
  readonly budget: CfnBudget;

  constructor(scope: Construct, id: string, props: MediaBudgetProps) {
    super(scope, id);
    if (!Number.isFinite(props.limitUsd) || props.limitUsd <= 0) throw new Error(`MediaBudget needs a monthly limit above 0 USD, got ${props.limitUsd}`);
    this.budget = new CfnBudget(this, 'Budget', {
      budget: {
        budgetName: props.name,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.limitUsd, unit: 'USD' },
        costTypes: { includeCredit: false, includeRefund: false },
      },
      notificationsWithSubscribers: BUDGET_WARNINGS.map((warning) => ({
        notification: { notificationType: warning.notificationType, comparisonOperator: 'GREATER_THAN', threshold: warning.threshold, thresholdType: 'PERCENTAGE' },
        subscribers: [{ subscriptionType: 'EMAIL', address: props.email }],
      })),
    });
  }
}
