import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '../runtime-paths.js';
import { defaultHostLayers, defaultMediaTools } from '../stage/defaults.js';
import { startStage, type Stage, type StageOptions } from '../stage/stage.js';
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
