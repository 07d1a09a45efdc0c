import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { workspaceRoot } from '../runtime-paths.js';
import { defaultHostLayers, defaultMediaTools } from '../stage/defaults.js';
import { startStage, type Stage, type StageEdge, type StageOptions } from '../stage/stage.js';
import { readCloudAssembly, type CloudAssemblyStack, type Template } from '../template/cdk-out.js';

export const ALICE = { username: 'alice@example.com', password: 'Alice-password-1!', email: 'alice@example.com' };
export const BOB = { username: 'bob@example.com', password: 'Bob-password-1!!', email: 'bob@example.com' };
/** A member of the stage's `moderator` user pool group. */
export const MIA = { username: 'mia@example.com', password: 'Mia-password-1!!', email: 'mia@example.com', groups: ['moderator'] };

/** The synthesized dev stage from `apps/infra/cdk.out` (run `nx run @mediaflow/infra:synth` first). */
export function devStack(): CloudAssemblyStack {
  const dir = join(workspaceRoot(), 'apps/infra/cdk.out');
  if (!existsSync(join(dir, 'Mediaflow-dev.template.json'))) throw new Error(`${dir} has no Mediaflow-dev stage: run npx nx run @mediaflow/infra:synth`);
  return readCloudAssembly(dir, 'Mediaflow-dev');
}

/** The same stack with its template changed by `edit` (a copy; cdk.out is not touched). */
export function editedStack(stack: CloudAssemblyStack, edit: (template: Template) => void): CloudAssemblyStack {
  const template = structuredClone(stack.template);
  edit(template);
  return { ...stack, template };
}

export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const found = Object.entries(template.Resources).find(([id, r]) => r.Type === type && id.startsWith(prefix));
  if (!found) throw new Error(`no ${type} starting with ${prefix}`);
  return found[0];
}

export async function bringUp(stack: CloudAssemblyStack = devStack(), extra: Partial<StageOptions> = {}): Promise<Stage> {
  const root = workspaceRoot();
  return startStage({
    stack,
    hostLayers: defaultHostLayers(root),
    ...defaultMediaTools(),
    users: [ALICE, BOB, MIA],
    // Lambda waits a minute or two between asynchronous retries; a test cannot.
    asyncRetryDelaysMs: [1_000, 2_000],
    ...extra,
  });
}

/**
 * Runs `work` with this process's TLS connections to the stage's public names taken to its edge
 * (the name kept for SNI and Host), trusting only the stage's authority: what the runtime's edge
 * hook does for the functions. The upload helper then PUTs to the presigned bucket URLs as they are.
 */
export async function throughEdge<T>(edge: StageEdge, work: () => Promise<T>): Promise<T> {
  const colon = edge.address.lastIndexOf(':');
  const host = edge.address.slice(0, colon);
  const port = Number(edge.address.slice(colon + 1));
  const ca = readFileSync(edge.caPath, 'utf8');
  const publicName = /(^|\.)(amazonaws\.com|amazoncognito\.com|cloudfront\.net)\.?$/i;
  const tlsModule = tls as unknown as { connect: (...args: unknown[]) => tls.TLSSocket };
  const connect = tlsModule.connect;
  tlsModule.connect = function connectThroughEdge(this: unknown, ...args: unknown[]): tls.TLSSocket {
    const options = args[0] as tls.ConnectionOptions | null;
    if (options !== null && typeof options === 'object' && !options.socket && typeof options.host === 'string' && publicName.test(options.host)) {
      args[0] = { ...options, host, port, servername: options.servername || options.host, ca };
    }
    return connect.apply(this, args);
  };
  try {
    return await work();
  } finally {
    tlsModule.connect = connect;
  }
}
