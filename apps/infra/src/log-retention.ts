import type { IAspect } from 'aws-cdk-lib';
import { CfnLogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/**
 * How long Mediaflow keeps logs unless a construct is told otherwise: a month covers looking into
 * an incident after the fact, and access and flow logs hold client addresses, kept no longer than needed.
 */
export const DEFAULT_LOG_RETENTION = RetentionDays.ONE_MONTH;

/**
 * Gives every log group under the construct it is added to one retention, so none keeps its logs
 * for CDK's default two years (or forever) because its author forgot. Added to a stack and to
 * constructs with a `logRetention` prop; the aspect nearest to a log group is applied last, so a
 * construct's own setting wins over the stack's.
 *
 * @example
 * Aspects.of(this).add(new LogRetention(props.logRetention), { priority: AspectPriority.MUTATING });
 */
export class LogRetention implements IAspect {
  constructor(private readonly retention: RetentionDays = DEFAULT_LOG_RETENTION) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnLogGroup)) return;
    // CloudFormation spells "never expire" as no retention at all.
    node.retentionInDays = this.retention === RetentionDays.INFINITE ? undefined : this.retention;
  }
}
