import { AspectPriority, Aspects, App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_LOG_RETENTION, LogRetention } from './log-retention.js';

function retentions(stack: Stack): Record<string, unknown> {
  const groups = Template.fromStack(stack).findResources('AWS::Logs::LogGroup');
  return Object.fromEntries(Object.entries(groups).map(([id, group]) => [id.replace(/[0-9A-F]{8}$/, ''), group.Properties?.RetentionInDays]));
}

describe('LogRetention', () => {
  it('gives every log group under it the default, a month, whatever retention it was created with', () => {
    const stack = new Stack(new App(), 'Test');
    Aspects.of(stack).add(new LogRetention(), { priority: AspectPriority.MUTATING });
    new LogGroup(stack, 'Unset');
    new LogGroup(stack, 'Year', { retention: RetentionDays.ONE_YEAR });
    expect(DEFAULT_LOG_RETENTION).toBe(RetentionDays.ONE_MONTH);
    expect(retentions(stack)).toEqual({ Unset: 30, Year: 30 });
  });

  it('lets a construct\u2019s own retention win over the stack\u2019s, and spells "never expire" as no retention', () => {
    const stack = new Stack(new App(), 'Test');
    Aspects.of(stack).add(new LogRetention(), { priority: AspectPriority.MUTATING });
    const weekly = new Construct(stack, 'Weekly');
    Aspects.of(weekly).add(new LogRetention(RetentionDays.ONE_WEEK), { priority: AspectPriority.MUTATING });
    new LogGroup(weekly, 'Logs');
    const kept = new Construct(stack, 'Kept');
    Aspects.of(kept).add(new LogRetention(RetentionDays.INFINITE), { priority: AspectPriority.MUTATING });
    new LogGroup(kept, 'Logs');
    new LogGroup(stack, 'Other');
    expect(retentions(stack)).toEqual({ WeeklyLogs: 7, KeptLogs: undefined, Other: 30 });
  });
});
