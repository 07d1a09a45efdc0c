import { PriceClass } from 'aws-cdk-lib/aws-cloudfront';
import { z } from 'zod';
import type { BudgetSettings } from './constructs/budget.js';

/** A CDK context setting that cannot be used as given: synthesis stops, naming the setting and its form. */
export class InvalidContextError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The ARN of a WAFv2 web ACL CloudFront can use: scope CLOUDFRONT, which WAF keeps in us-east-1
 * under `global/` (a `regional/` ACL cannot be attached to a distribution).
 * @example 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/mediaflow/473e64fd-f30b-4765-81a0-62ad96dd167a'
 */
export const CLOUDFRONT_WEB_ACL_ARN = /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]{1,128}\/[\w-]{1,128}$/;

const PRICE_CLASSES = Object.values(PriceClass).join(', ');

// `-c key=` gives an empty string: the same as leaving the key out.
const absentIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value);

/**
 * The guard-rail settings of a stage in CDK context. Values from the command line are strings;
 * cdk.json may give the budget as a number.
 */
export const GuardRailsContextSchema = z.object({
  budgetUsd: z.preprocess(
    absentIfEmpty,
    z.coerce
      .number({ error: 'must be a monthly amount in USD, e.g. -c budgetUsd=500' })
      .positive({ error: 'must be a monthly amount in USD above 0, e.g. -c budgetUsd=500' })
      .optional(),
  ),
  budgetEmail: z.preprocess(absentIfEmpty, z.email({ error: 'must be an e-mail address, e.g. -c budgetEmail=ops@example.com' }).optional()),
  priceClass: z.preprocess(absentIfEmpty, z.enum(PriceClass, { error: `must be one of ${PRICE_CLASSES}` }).default(PriceClass.PRICE_CLASS_100)),
  storageQuotaBytes: z.preprocess(
    absentIfEmpty,
    z.coerce
      .number({ error: 'must be a number of bytes, e.g. -c storageQuotaBytes=107374182400 (100 GiB)' })
      .int({ error: 'must be a whole number of bytes' })
      .positive({ error: 'must be a number of bytes above 0' })
      .optional(),
  ),
  webAclArn: z.preprocess(
    absentIfEmpty,
    z
      .string()
      .regex(CLOUDFRONT_WEB_ACL_ARN, {
        error: 'must be the ARN of a WAFv2 web ACL with scope CLOUDFRONT (made in us-east-1): arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>',
      })
      .optional(),
  ),
});

export type GuardRailsContext = z.infer<typeof GuardRailsContextSchema>;

/** What a stage deploys to keep its bill in view: the edge locations, an optional web ACL and budget. */
export interface GuardRails {
  readonly priceClass: PriceClass;
  readonly webAclArn?: string;
  /** None unless `budgetUsd` is given. */
  readonly budget?: BudgetSettings;
  /** What each user may store (originals and renditions, the trash included); none unless given. */
  readonly storageQuotaBytes?: number;
}

/**
 * Reads the guard-rail settings from CDK context values. A budget is made only with `budgetUsd`, and
 * it must warn someone: `budgetEmail`, or else the stage's `alarmEmail`. A budget nobody hears of
 * guards nothing, so a limit without an address, or an address without a limit, stops synthesis.
 * @example parseGuardRails({ budgetUsd: '500', budgetEmail: 'ops@example.com', priceClass: 'PriceClass_All' })
 * @throws InvalidContextError naming every bad setting
 */
export function parseGuardRails(context: Readonly<Record<string, unknown>>, options: { readonly alarmEmail?: string } = {}): GuardRails {
  const result = GuardRailsContextSchema.safeParse(context);
  if (!result.success) {
    const detail = result.error.issues.map((issue) => `-c ${issue.path.join('.')}=${String(context[String(issue.path[0])])}: ${issue.message}`).join('; ');
    throw new InvalidContextError(`invalid context: ${detail}`, { cause: result.error });
  }
  const { budgetUsd, budgetEmail, priceClass, webAclArn, storageQuotaBytes } = result.data;
  if (budgetUsd === undefined && budgetEmail !== undefined) {
    throw new InvalidContextError(`-c budgetEmail=${budgetEmail} needs the monthly limit it warns about: add -c budgetUsd=<USD>`);
  }
  const base = { priceClass, ...(webAclArn === undefined ? {} : { webAclArn }), ...(storageQuotaBytes === undefined ? {} : { storageQuotaBytes }) };
  if (budgetUsd === undefined) return base;
  const email = budgetEmail ?? options.alarmEmail;
  if (email === undefined) {
    throw new InvalidContextError(`-c budgetUsd=${budgetUsd} needs someone to warn: add -c budgetEmail=<address> (or -c alarmEmail=<address>)`);
  }
  if (!z.email().safeParse(email).success) {
    throw new InvalidContextError(`-c alarmEmail=${email}: must be an e-mail address, since the budget warns it (or give -c budgetEmail=<address>)`);
  }
  return { ...base, budget: { limitUsd: budgetUsd, email } };
}

/** The context keys {@link parseGuardRails} reads. */
export const GUARD_RAIL_KEYS = Object.keys(GuardRailsContextSchema.shape) as (keyof GuardRailsContext)[];
