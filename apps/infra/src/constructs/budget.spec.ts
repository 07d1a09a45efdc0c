import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { APP_CONTEXT } from '../config.js';
import { MediaBudget } from './budget.js';

function budgetTemplate(limitUsd = 500): Template {
  const stack = new Stack(new App({ context: { ...APP_CONTEXT } }), 'Test');
  new MediaBudget(stack, 'Budget', { name: 'mediaflow-dev', limitUsd, email: 'ops@example.com' });
  return Template.fromStack(stack);
}

const warning = (notificationType: string, threshold: number) => ({
  Notification: { NotificationType: notificationType, ComparisonOperator: 'GREATER_THAN', Threshold: threshold, ThresholdType: 'PERCENTAGE' },
  Subscribers: [{ SubscriptionType: 'EMAIL', Address: 'ops@example.com' }],
});

describe('MediaBudget', () => {
  const template = budgetTemplate();

  it('budgets the account\'s cost by the month, in USD, before credits and refunds', () => {
    template.resourceCountIs('AWS::Budgets::Budget', 1);
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetName: 'mediaflow-dev',
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: 500, Unit: 'USD' },
        CostTypes: { IncludeCredit: false, IncludeRefund: false },
      },
    });
    // No cost filter: a tag filter needs the tag activated for cost allocation, or it matches nothing.
    const budget = Object.values(template.findResources('AWS::Budgets::Budget'))[0];
    expect(budget?.Properties.Budget.CostFilters).toBeUndefined();
  });

  it('e-mails at 80% and 100% of the limit spent, and when the month is forecast to pass it', () => {
    const budget = Object.values(template.findResources('AWS::Budgets::Budget'))[0];
    expect(budget?.Properties.NotificationsWithSubscribers).toEqual([warning('ACTUAL', 80), warning('ACTUAL', 100), warning('FORECASTED', 100)]);
  });

  it('refuses a limit that is not above zero', () => {
    expect(() => budgetTemplate(0)).toThrow(/above 0 USD/);
    expect(() => budgetTemplate(Number.NaN)).toThrow(/above 0 USD/);
  });
});
