/**
 * Test support for code built on the use cases: in-memory deps with fresh state. Import from
 * `@mediaflow/media-service/testing` in tests only.
 */
import {
  ClockedIds,
  InMemoryEventBus,
  InMemoryMediaRepository,
  InMemoryObjectStore,
  ManualClock,
  MemoryAlbumRepository,
  MemoryMediaSearch,
  MemoryShareLinkRepository,
} from '@mediaflow/domain/testing';
import { ServiceConfigSchema, type ServiceDeps } from '../context.js';

/**
 * `ServiceDeps` (so `CoreDeps` too) on in-memory doubles, typed as such so that tests can look
 * inside them. The review queue is the media repository itself, as it is in every adapter.
 */
export interface InMemoryDeps extends ServiceDeps {
  repo: InMemoryMediaRepository;
  store: InMemoryObjectStore;
  bus: InMemoryEventBus;
  ids: ClockedIds;
  clock: ManualClock;
  albums: MemoryAlbumRepository;
  shares: MemoryShareLinkRepository;
  review: InMemoryMediaRepository;
  search: MemoryMediaSearch;
}

export interface InMemoryDepsOptions {
  /** Where the manual clock starts (default 2026-06-01T00:00:00Z). */
  now?: string | Date;
  /** Settings over the service's defaults (`ServiceConfigSchema`). */
  config?: Record<string, unknown>;
}

/**
 * Fresh in-memory deps for one test: repositories (media, albums, share links; the media one is the
 * review queue too), object store, event bus, ids and a manual clock,
 * the service's default settings with `options.config` over them, and `extras` on top (the
 * processors a step needs, a scratch directory, multipart uploads). `extras` may be a function of
 * the clock, for doubles that take time.
 *
 * @example
 * const deps = inMemoryDeps({ images: new ScriptedImages() }, { config: { maxUploadBytes: 1000 } });
 * await processImage(deps, 'alice', id); // typed: ImageStepDeps needs `images`
 */
export function inMemoryDeps<E extends object = Record<never, never>>(
  extras: E | ((clock: ManualClock) => E) = {} as E,
  options: InMemoryDepsOptions = {},
): InMemoryDeps & E {
  const clock = new ManualClock(options.now ?? '2026-06-01T00:00:00.000Z');
  const repo = new InMemoryMediaRepository();
  const albums = new MemoryAlbumRepository();
  const core: InMemoryDeps = {
    repo,
    store: new InMemoryObjectStore(clock),
    bus: new InMemoryEventBus(),
    ids: new ClockedIds(clock),
    clock,
    config: ServiceConfigSchema.parse(options.config ?? {}),
    albums,
    shares: new MemoryShareLinkRepository(),
    review: repo,
    search: new MemoryMediaSearch(repo, albums),
  };
  return { ...core, ...(typeof extras === 'function' ? extras(clock) : extras) };
}
