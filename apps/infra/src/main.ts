import { App, Validations, type AppProps, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { APP_CONTEXT } from './config.js';
import { MediaStack } from './stacks/media-stack.js';

/** Builds the CDK app for one stage, read from context (`-c stage=prod`), `dev` by default. */
export function createApp(props: AppProps = {}): App {
  const app = new App({ ...props, context: { ...APP_CONTEXT, ...props.context } });
  const stage = stringContext(app, 'stage') ?? 'dev';
  const galleryOrigin = stringContext(app, 'galleryOrigin') ?? 'http://localhost:4200';
  new MediaStack(app, `Mediaflow-${stage}`, {
    stage,
    galleryOrigin,
    env: deploymentEnvironment(),
  });
  // cdk-nag 3 runs as a CDK validation plugin: findings fail synthesis unless acknowledged with a
  // reason, and the acknowledgements are written into the template for reviewers to see.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  return app;
}

function stringContext(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The account and region the CLI resolved from the caller's credentials; none when synthesizing offline. */
function deploymentEnvironment(): Environment {
  const account = process.env['CDK_DEFAULT_ACCOUNT'];
  const region = process.env['CDK_DEFAULT_REGION'];
  return { ...(account === undefined ? {} : { account }), ...(region === undefined ? {} : { region }) };
}
