import { resolve } from 'node:path';
import { build } from 'esbuild';

const workspace = resolve(__dirname, '../../..');

/** Bundles a one-line consumer of `specifier` and returns the npm packages that ended up inside. */
async function packagesInBundle(source: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: source, resolveDir: workspace, loader: 'ts' },
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    // Resolve @mediaflow/* to their sources, as the workspace does; published builds are the same code.
    conditions: ['@mediaflow/source'],
    logLevel: 'silent',
  });
  const packages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (match?.[1]) packages.add(match[1]);
  }
  return [...packages].sort();
}

// Importing the domain must stay cheap for any service (a Lambda, a browser, another team's API):
// no cloud SDK, no native image library, no ffmpeg, no database driver comes with it.
const HEAVY = /^(@aws-sdk\/|@smithy\/|@aws-lambda-powertools\/|sharp$|@img\/|@ffmpeg-installer\/|@ffprobe-installer\/|better-sqlite3$|music-metadata$|@tensorflow\/)/;

describe('bundle hygiene', () => {
  it('a consumer of @mediaflow/domain bundles only zod and ulid', async () => {
    const packages = await packagesInBundle(`import { parseEvent } from '@mediaflow/domain'; console.log(parseEvent);`);
    expect(packages.filter((p) => HEAVY.test(p))).toEqual([]);
    expect(packages).toEqual(expect.arrayContaining(['zod']));
    expect(packages.filter((p) => !['zod', 'ulid'].includes(p))).toEqual([]);
  });

  it('planning renditions with @mediaflow/image-pipeline brings no cloud SDK', async () => {
    const packages = await packagesInBundle(`import { planRenditions } from '@mediaflow/image-pipeline'; console.log(planRenditions);`);
    expect(packages.filter((p) => /^(@aws-sdk\/|@smithy\/|@ffmpeg-installer\/|better-sqlite3$)/.test(p))).toEqual([]);
  });
});
