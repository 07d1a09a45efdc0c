import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { BucketDeploymentSpec } from '../template/stage-spec.js';

export interface DeployedObject {
  key: string;
  body: Buffer;
  contentType: string;
  metadata: Record<string, string>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/vnd.microsoft.icon',
  '.txt': 'text/plain',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** `aws s3 sync`-style filters: later patterns win, `*` crosses `/`. */
function matches(pattern: string, key: string): boolean {
  const expression = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${expression}$`).test(key);
}

export function selected(key: string, exclude: string[], include: string[]): boolean {
  let keep = true;
  for (const pattern of exclude) if (matches(pattern, key)) keep = false;
  for (const pattern of include) if (matches(pattern, key)) keep = true;
  return keep;
}

function walk(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/**
 * The objects a `Custom::CDKBucketDeployment` puts into its bucket: the files of its sources
 * (later sources over earlier ones), filtered by its exclude/include patterns, with the deploy-time
 * markers replaced by their resolved values (JSON-escaped when asked) and its system metadata.
 */
export function deploymentObjects(spec: BucketDeploymentSpec): DeployedObject[] {
  const objects = new Map<string, DeployedObject>();
  for (const source of spec.sources) {
    for (const file of walk(source.directory)) {
      const key = relative(source.directory, file).split(sep).join('/');
      if (!selected(key, spec.exclude, spec.include)) continue;
      let body = readFileSync(file);
      const markers = Object.entries(source.markers);
      if (markers.length > 0) {
        let text = body.toString('utf8');
        for (const [marker, value] of markers) {
          text = text.split(marker).join(source.jsonEscape ? JSON.stringify(value).slice(1, -1) : value);
        }
        body = Buffer.from(text);
      }
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(spec.systemMetadata)) metadata[name.toLowerCase()] = value;
      objects.set(key, { key, body, contentType: TYPES[extname(key).toLowerCase()] ?? 'application/octet-stream', metadata });
    }
  }
  return [...objects.values()];
}
