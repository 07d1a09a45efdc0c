import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One CloudFormation template as `cdk synth` writes it. */
export interface Template {
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

/** A stack of the cloud assembly: its template and where each asset's files are on disk. */
export interface CloudAssemblyStack {
  stackName: string;
  directory: string;
  template: Template;
  /** An asset's object key in the bootstrap bucket (`<hash>.zip`) → its directory or file in `cdk.out`. */
  assets: Map<string, string>;
}

interface AssetManifest {
  files?: Record<string, { source: { path?: string }; destinations: Record<string, { objectKey: string }> }>;
}

/**
 * Reads `<dir>/<stack>.template.json` and its asset manifest. Function and layer code in the
 * template names an object key of the bootstrap bucket; the manifest says which `asset.*`
 * directory of `cdk.out` holds it, so the simulator runs exactly the files a deploy would upload.
 */
export function readCloudAssembly(directory: string, stackName: string): CloudAssemblyStack {
  const templatePath = join(directory, `${stackName}.template.json`);
  if (!existsSync(templatePath)) {
    throw new Error(`${templatePath} is missing: run \`npx nx run @mediaflow/infra:synth\` first`);
  }
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as Template;
  const assets = new Map<string, string>();
  const manifestPath = join(directory, `${stackName}.assets.json`);
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as AssetManifest;
    for (const file of Object.values(manifest.files ?? {})) {
      if (!file.source.path) continue;
      for (const destination of Object.values(file.destinations)) {
        assets.set(destination.objectKey, join(directory, file.source.path));
      }
    }
  }
  return { stackName, directory, template, assets };
}
