import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { MEDIA_FUNCTIONS } from './constructs/function-plans.js';
import { MEDIA_SIGNING_HANDLER } from './constructs/media-signing.js';

/** What the stack deploys besides its own resources: function bundles, layers and the gallery build. */
export interface MediaAssets {
  /** The bundle of one function (a directory holding `index.mjs`, as `apps/lambdas/build.mjs` writes it). */
  readonly functionCode: (name: string) => Code;
  readonly layers: { readonly sharp: Code; readonly mediaTools: Code; readonly taggerModels: Code };
  /** The gallery's production build. */
  readonly gallery: ISource;
}

/** An asset directory that is missing, with the command that builds it. */
interface Expected {
  readonly path: string;
  readonly builtBy: string;
}

/**
 * The assets as the workspace's build targets leave them. Synthesis fails with the commands to run
 * when one is missing, rather than deploying a stack without its code.
 *
 * @throws Error naming every missing asset and the Nx target that builds it.
 */
export function workspaceAssets(workspaceRoot: string): MediaAssets {
  const lambdas = join(workspaceRoot, 'apps/lambdas/dist');
  const functionDir = (name: string): string => join(lambdas, name);
  const sharp = join(workspaceRoot, 'apps/lambdas/dist-layers/sharp');
  const mediaTools = join(workspaceRoot, 'apps/lambdas/dist-layers/media-tools');
  const taggerModels = join(workspaceRoot, 'apps/lambdas/dist-layers/tagger-models');
  const gallery = join(workspaceRoot, 'apps/web-gallery/dist');

  const expected: Expected[] = [
    ...[...MEDIA_FUNCTIONS, MEDIA_SIGNING_HANDLER].map((name) => ({ path: join(functionDir(name), 'index.mjs'), builtBy: 'nx run @mediaflow/lambdas:build' })),
    { path: join(sharp, 'nodejs/node_modules/sharp/package.json'), builtBy: 'nx run @mediaflow/lambdas:layer-sharp' },
    { path: join(mediaTools, 'bin/ffmpeg'), builtBy: 'nx run @mediaflow/lambdas:layer-media-tools' },
    { path: join(mediaTools, 'bin/ffprobe'), builtBy: 'nx run @mediaflow/lambdas:layer-media-tools' },
    { path: join(taggerModels, 'share/tagger-models/manifest.json'), builtBy: 'nx run @mediaflow/lambdas:layer-tagger-models' },
    { path: join(gallery, 'index.html'), builtBy: 'nx run @mediaflow/web-gallery:build' },
  ];
  const missing = expected.filter((asset) => !existsSync(asset.path));
  if (missing.length > 0) {
    const commands = [...new Set(missing.map((asset) => asset.builtBy))];
    throw new Error(
      `the stack's assets are not built: ${missing.map((asset) => asset.path).join(', ')}. ` +
        `Run \`npx nx run @mediaflow/infra:synth\` (it builds them first) or: ${commands.map((command) => `npx ${command}`).join(' && ')}`,
    );
  }

  return {
    functionCode: (name) => Code.fromAsset(functionDir(name)),
    layers: { sharp: Code.fromAsset(sharp), mediaTools: Code.fromAsset(mediaTools), taggerModels: Code.fromAsset(taggerModels) },
    gallery: Source.asset(gallery),
  };
}
