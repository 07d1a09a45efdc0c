// Deleting an account on the simulated stage: `DELETE /api/v1/me`, called until it is done, removes
// the caller's items and objects, and last their user in the pool, through Cognito's
// `AdminDeleteUser` signed with the api function's role and checked against the template's grant.
// The user cannot sign in again; another user's library is untouched.
import type { Stage } from '../stage/stage.js';
import { settled, signIn, upload, type MediaView, type StageUser } from './client.js';
import { jpeg } from './media.js';
import { BOB, bringUp } from './stage-harness.js';

/** A user of the pool made for this test alone, whom it deletes. */
const LEAVER = { username: 'leaver@example.com', password: 'Leaver-password-1!', email: 'leaver@example.com' };

interface AccountDeletion {
  done: boolean;
  removed: { items: number; albums: number; shares: number; objects: number };
}

/** The owner id the API scopes everything to: the access token's `sub`. */
function subOf(user: StageUser): string {
  const payload = user.token.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string }).sub;
}

describe('account deletion on the simulated stage', () => {
  let stage: Stage;
  let leaver: StageUser;
  let bob: StageUser;
  let bucket: string;

  const denied = (): string[] => stage.permissionsReport().flatMap((role) => role.denied.map((d) => `${role.roleName}: ${d.action} ${d.resource}`));
  const objectsOf = async (owner: string): Promise<string[]> => [
    ...(await stage.objects.listKeys(bucket, `originals/${owner}/`)),
    ...(await stage.objects.listKeys(bucket, `renditions/${owner}/`)),
  ];

  beforeAll(async () => {
    stage = await bringUp();
    stage.issuer.addUser(LEAVER);
    leaver = await signIn(stage, LEAVER.username, LEAVER.password);
    bob = await signIn(stage, BOB.username, BOB.password);
    const api = stage.spec.functions.find((fn) => fn.environment['USER_POOL_ID'] !== undefined);
    bucket = api?.environment['MEDIA_BUCKET'] ?? '';
  });

  afterAll(async () => {
    if (stage) {
      process.stdout.write(`${stage.report()}\n`);
      await stage.close();
    }
  });

  it('deploys the api function with the stage\u2019s user pool and a grant to delete its users', () => {
    const pool = stage.spec.userPools[0];
    const api = stage.spec.functions.find((fn) => fn.environment['USER_POOL_ID'] !== undefined);
    expect(api?.environment['USER_POOL_ID']).toBe(pool?.id);
    expect(bucket).not.toBe('');
  });

  it('deletes the caller\u2019s library and user, round by round, and leaves another user\u2019s item alone', async () => {
    const leaverItem = await settled(leaver, await upload(leaver, 'leaving.jpg', await jpeg(71), 'image/jpeg'));
    const bobItem = await settled(bob, await upload(bob, 'staying.jpg', await jpeg(72), 'image/jpeg'));
    expect([leaverItem.status, bobItem.status]).toEqual(['ready', 'ready']);
    // Tagging and moderation run after an item is ready: Bob's item is compared once they are done.
    await stage.idle();
    const owner = subOf(leaver);
    expect((await objectsOf(owner)).length).toBeGreaterThan(1);
    const bobObjects = await objectsOf(subOf(bob));
    const bobBefore = await bob.api<MediaView>('GET', `/api/v1/media/${bobItem.id}`);
    expect(bobBefore.status).toBe(200);

    // Without the exact phrase nothing happens.
    expect((await leaver.api('DELETE', '/api/v1/me', { confirm: 'delete my acount' })).status).toBe(400);
    expect((await leaver.api<MediaView>('GET', `/api/v1/media/${leaverItem.id}`)).status).toBe(200);

    let answer = await leaver.api<AccountDeletion>('DELETE', '/api/v1/me', { confirm: 'delete my account' });
    const removed = { items: 0, objects: 0 };
    for (let round = 1; answer.status === 202 && round < 20; round += 1) {
      removed.items += answer.body.removed.items;
      removed.objects += answer.body.removed.objects;
      answer = await leaver.api<AccountDeletion>('DELETE', '/api/v1/me', { confirm: 'delete my account' });
    }
    expect({ status: answer.status, done: answer.body.done }).toEqual({ status: 200, done: true });
    removed.items += answer.body.removed.items;
    expect(removed.items).toBe(1);

    await expect(signIn(stage, LEAVER.username, LEAVER.password)).rejects.toThrow('sign-in refused (401)');
    expect(stage.events).toContainEqual(expect.objectContaining({ source: 'cognito-idp', message: `AdminDeleteUser ${owner} in ${stage.spec.userPools[0]?.id}` }));
    await stage.idle();
    expect(await objectsOf(owner)).toEqual([]);

    const bobAfter = await bob.api<MediaView>('GET', `/api/v1/media/${bobItem.id}`);
    expect({ status: bobAfter.status, item: bobAfter.body }).toEqual({ status: 200, item: bobBefore.body });
    expect(bobObjects.length).toBeGreaterThan(1);
    expect(await objectsOf(subOf(bob))).toEqual(bobObjects);
    await expect(signIn(stage, BOB.username, BOB.password)).resolves.toMatchObject({ token: expect.any(String) });
  });

  it('refused no call of any role, and dead-lettered nothing', () => {
    expect(denied()).toEqual([]);
    expect(Object.values(stage.deadLetters()).reduce((sum, count) => sum + count, 0)).toBe(0);
  });
});

describe('account deletion on the simulated stage served over HTTPS at its public names', () => {
  let stage: Stage;

  beforeAll(async () => {
    stage = await bringUp(undefined, { https: true });
    stage.issuer.addUser(LEAVER);
  });

  afterAll(async () => {
    if (stage) await stage.close();
  });

  it('reaches Cognito\u2019s own host from the api function, where the JSON API goes to the gateway and not to the issuer', async () => {
    const leaver = await signIn(stage, LEAVER.username, LEAVER.password);
    let answer = await leaver.api<AccountDeletion>('DELETE', '/api/v1/me', { confirm: 'delete my account' });
    for (let round = 1; answer.status === 202 && round < 20; round += 1) {
      answer = await leaver.api<AccountDeletion>('DELETE', '/api/v1/me', { confirm: 'delete my account' });
    }
    expect({ status: answer.status, done: answer.body.done }).toEqual({ status: 200, done: true });
    await expect(signIn(stage, LEAVER.username, LEAVER.password)).rejects.toThrow('sign-in refused (401)');
    expect(stage.permissionsReport().flatMap((role) => role.denied)).toEqual([]);
  });
});
