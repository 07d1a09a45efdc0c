// Proof that the stage is built from the template and nothing else: a grant taken out of a role,
// a variable taken out of a function's environment and a filter policy pointed elsewhere each
// break the flow they carry, in the way AWS would show it.
import type { Stage } from '../stage/stage.js';
import type { Template } from '../template/cdk-out.js';
import { settled, signIn, upload, type MediaView } from './client.js';
import { jpeg } from './media.js';
import { ALICE, bringUp, devStack, editedStack, logicalIdOf } from './stage-harness.js';

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function withStage(edit: (template: Template) => void, run: (stage: Stage) => Promise<void>): Promise<void> {
  const stage = await bringUp(editedStack(devStack(), edit));
  try {
    await run(stage);
  } finally {
    await stage.close();
  }
}

async function uploadPhoto(stage: Stage): Promise<{ id: string; view: () => Promise<MediaView> }> {
  const alice = await signIn(stage, ALICE.username, ALICE.password);
  const id = await upload(alice, 'photo.jpg', await jpeg(7), 'image/jpeg');
  return { id, view: async () => (await alice.api<MediaView>('GET', `/api/v1/media/${id}`)).body };
}

function properties(template: Template, logicalId: string): Record<string, unknown> {
  const resource = template.Resources[logicalId];
  if (!resource?.Properties) throw new Error(`${logicalId} has no properties`);
  return resource.Properties;
}

describe('the stage is read from the template', () => {
  it('a grant removed from the image role makes its rendition writes AccessDenied', async () => {
    await withStage(
      (template) => {
        const role = logicalIdOf(template, 'AWS::IAM::Role', 'ComputeImageRole');
        const policyId = Object.entries(template.Resources).find(
          ([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles ?? []).includes(role),
        )?.[0];
        if (!policyId) throw new Error('the image role has no attached policy');
        const document = properties(template, policyId).PolicyDocument as { Statement: Array<{ Action: string | string[] }> };
        const before = document.Statement.length;
        document.Statement = document.Statement.filter((statement) => ![statement.Action].flat().includes('s3:PutObject'));
        if (document.Statement.length === before) throw new Error('the image role had no s3:PutObject statement to remove');
      },
      async (stage) => {
        const photo = await uploadPhoto(stage);
        await until(() => stage.events.some((e) => e.kind === 'denied' && e.detail?.['action'] === 's3:PutObject'), 'a denied s3:PutObject');
        const image = stage.permissionsReport().find((role) => role.roleName.includes('ComputeImageRole'));
        expect(image?.denied.map((d) => d.action)).toContain('s3:PutObject');
        expect((await photo.view()).status).not.toBe('ready');
      },
    );
  });

  it('a variable removed from the ingest function makes it fail before anything is read', async () => {
    await withStage(
      (template) => {
        const ingest = logicalIdOf(template, 'AWS::Lambda::Function', 'ComputeIngestFunction');
        const variables = (properties(template, ingest).Environment as { Variables: Record<string, unknown> }).Variables;
        if (!('MEDIA_TABLE' in variables)) throw new Error('the ingest function has no MEDIA_TABLE');
        delete variables.MEDIA_TABLE;
      },
      async (stage) => {
        const photo = await uploadPhoto(stage);
        const pool = stage.lambda.names().map((name) => stage.lambda.pool(name)).find((p, i) => p && stage.lambda.names()[i]?.includes('ComputeIngestFunction'));
        await until(() => (pool?.errors ?? 0) > 0, 'an ingest error');
        expect(stage.events.some((e) => e.kind === 'invoke-error' && e.source.includes('ComputeIngestFunction'))).toBe(true);
        expect((await photo.view()).status).toBe('uploading');
      },
    );
  });

  it('a filter policy that names another kind keeps images from the image function', async () => {
    await withStage(
      (template) => {
        const subscription = Object.entries(template.Resources).find(
          ([, r]) => r.Type === 'AWS::SNS::Subscription' && JSON.stringify(r.Properties?.FilterPolicy ?? {}) === JSON.stringify({ type: ['media.uploaded'], kind: ['image'] }),
        )?.[0];
        if (!subscription) throw new Error('no subscription filters media.uploaded images');
        properties(template, subscription).FilterPolicy = { type: ['media.uploaded'], kind: ['photo'] };
      },
      async (stage) => {
        const photo = await uploadPhoto(stage);
        await until(() => stage.lambda.names().some((name) => name.includes('ComputeIngestFunction') && (stage.lambda.pool(name)?.invocations ?? 0) > 0), 'ingest');
        await stage.idle();
        const image = stage.lambda.names().find((name) => name.includes('ComputeImageFunction'));
        expect(image && stage.lambda.pool(image)?.invocations).toBe(0);
        const view = await photo.view();
        expect(view.kind).toBe('image');
        expect(view.status).not.toBe('ready');
      },
    );
  });

  it('the unedited template takes the same photo to ready (the control)', async () => {
    await withStage(
      () => undefined,
      async (stage) => {
        const alice = await signIn(stage, ALICE.username, ALICE.password);
        const id = await upload(alice, 'photo.jpg', await jpeg(7), 'image/jpeg');
        expect((await settled(alice, id)).status).toBe('ready');
      },
    );
  });
});
