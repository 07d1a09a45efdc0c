import { makeMediaItem } from '@mediaflow/domain/testing';
import { removeObjects } from './commands.js';
import { inMemoryDeps } from './testing/index.js';

describe('removeObjects', () => {
  function depsWithVersions(purgeObjectVersions: boolean) {
    const deps = inMemoryDeps({}, { config: { purgeObjectVersions } });
    const versioned: string[] = [];
    // A store that keeps versions says so by offering deleteAllVersions.
    const store = Object.assign(deps.store, {
      deleteAllVersions: async (prefix: string) => {
        versioned.push(prefix);
        return deps.store.deleteByPrefix(prefix);
      },
    });
    return { deps: { ...deps, store }, versioned };
  }

  it('removes every version of the original and the renditions when set to', async () => {
    const { deps, versioned } = depsWithVersions(true);
    const item = makeMediaItem();
    await deps.store.put(item.original.key, new Uint8Array([1]));
    await removeObjects(deps, item);
    expect(versioned).toEqual([item.original.key, `renditions/${item.ownerId}/${item.id}/`]);
    expect(await deps.store.head(item.original.key)).toBeUndefined();
  });

  it('leaves older versions to the bucket\u2019s lifecycle otherwise, removing the current objects', async () => {
    const { deps, versioned } = depsWithVersions(false);
    const item = makeMediaItem();
    await deps.store.put(item.original.key, new Uint8Array([1]));
    await removeObjects(deps, item);
    expect(versioned).toEqual([]);
    expect(await deps.store.head(item.original.key)).toBeUndefined();
  });
});
