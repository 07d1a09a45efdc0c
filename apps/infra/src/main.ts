import { App, Validations, type AppProps, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { MediaAssets } from './assets.js';
import { CAPACITY_KEYS, parseCapacityContext } from './capacity-context.js';
import { APP_CONTEXT } from './config.js';
import { parseIndexesUpTo } from './constructs/data.js';
import type { DeliveryDomain } from './constructs/site-domain.js';
import { GUARD_RAIL_KEYS, parseGuardRails } from './guard-rails.js';
import { MediaStack } from './stacks/media-stack.js';

/**
 * Builds the CDK app for one stage, read from context (`-c stage=prod`), `dev` by default, with the
 * assets the workspace built (`workspaceAssets()`; tests pass their own).
 *
 * Context: `stage`, `alarmEmail`, `galleryOrigin` (another origin a gallery runs on),
 * `tagging=false`, `cache=true` (the API's optional cache), for a custom domain `domainName`,
 * `hostedZoneId`, `zoneName`, `certificateArn`, and the guard rails (`guard-rails.ts`): `budgetUsd`
 * with `budgetEmail`, `priceClass`, `webAclArn`. A malformed guard rail stops synthesis. What the
 * limits are sized for (`capacity-context.ts`): `scale` (`month0` by default), `peakFactor`,
 * `tagger` (`on-device` by default, or `rekognition`) and `videoTranscoder` (`lambda` by default,
 * or `mediaconvert`). `tableIndexesUpTo` (an index name, `GSI2` say) declares the media table's
 * indexes only up to that one, for a table deployed before several were added (one per deployment).
 * `refreshTokenDays` (30 by default; read by `MediaAuth`) is how long a sign-in lasts.
 */
export function createApp(props: AppProps, assets: MediaAssets): App {
  const app = new App({ ...props, context: { ...APP_CONTEXT, ...props.context } });
  const stage = stringContext(app, 'stage') ?? 'dev';
  const alarmEmail = stringContext(app, 'alarmEmail');
  const extraGalleryOrigin = stringContext(app, 'galleryOrigin');
  const domain = domainContext(app);
  const guardRails = parseGuardRails(contextValues(app, GUARD_RAIL_KEYS), alarmEmail === undefined ? {} : { alarmEmail });
  const capacity = parseCapacityContext(contextValues(app, CAPACITY_KEYS));
  const tableIndexesUpTo = parseIndexesUpTo(app.node.tryGetContext('tableIndexesUpTo'));
  new MediaStack(app, `Mediaflow-${stage}`, {
    stage,
    assets,
    tagging: stringContext(app, 'tagging') !== 'false',
    // Off unless asked for: the cache and the endpoints it needs cost money every hour they exist.
    cache: stringContext(app, 'cache') === 'true',
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    ...(extraGalleryOrigin === undefined ? {} : { extraGalleryOrigin }),
    ...(domain === undefined ? {} : { domain }),
    ...capacity,
    ...(tableIndexesUpTo === undefined ? {} : { tableIndexesUpTo }),
    priceClass: guardRails.priceClass,
    ...(guardRails.webAclArn === undefined ? {} : { webAclArn: guardRails.webAclArn }),
    ...(guardRails.budget === undefined ? {} : { budget: guardRails.budget }),
    ...(guardRails.storageQuotaBytes === undefined ? {} : { storageQuotaBytes: guardRails.storageQuotaBytes }),
    env: deploymentEnvironment(),
  });
  // cdk-nag 3 runs as a CDK validation plugin: findings fail synthesis unless acknowledged with a
  // reason, and the acknowledgements are written into the template for reviewers to see.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  return app;
}

/** The raw context values of `keys`, for a parser that checks them together. */
function contextValues(app: App, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, app.node.tryGetContext(key) as unknown]));
}

function stringContext(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (typeof value === 'boolean') return String(value);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A custom domain needs its name and hosted zone together; half of them is a mistake worth stopping for. */
function domainContext(app: App): DeliveryDomain | undefined {
  const domainName = stringContext(app, 'domainName');
  const hostedZoneId = stringContext(app, 'hostedZoneId');
  const zoneName = stringContext(app, 'zoneName');
  const certificateArn = stringContext(app, 'certificateArn');
  if (domainName === undefined && hostedZoneId === undefined && zoneName === undefined) return undefined;
  if (domainName === undefined || hostedZoneId === undefined || zoneName === undefined) {
    throw new Error('a custom domain needs all of -c domainName=... -c hostedZoneId=... -c zoneName=...');
  }
  return { domainName, hostedZoneId, zoneName, ...(certificateArn === undefined ? {} : { certificateArn }) };
}

/** The account and region the CLI resolved from the caller's credentials; none when synthesizing offline. */
function deploymentEnvironment(): Environment {
  const account = process.env['CDK_DEFAULT_ACCOUNT'];
  const region = process.env['CDK_DEFAULT_REGION'];
  return { ...(account === undefined ? {} : { account }), ...(region === undefined ? {} : { region }) };
}
