/**
 * Test support for code built on the use cases: in-memory deps with fresh state. Import from
 * `@mediaflow/media-service/testing` in tests only.
 */
import { ClockedIds, InMemoryEventBus, InMemoryMediaRepository, InMemoryObjectStore, ManualClock } from '@mediaflow/domain/testing';
import { ServiceConfigSchema, type CoreDeps } from '../context.js';

/** `CoreDeps` on in-memory doubles, typed as such so that tests can look inside them. */
export interface InMemoryDeps extends CoreDeps {
  repo: InMemoryMediaRepository;
  store: InMemoryObjectStore;
  bus: InMemoryEventBus;
  ids: ClockedIds;
  clock: ManualClock;
}

export interface InMemoryDepsOptions {
  /** Where the manual clock starts (default 2026-06-01T00:00:00Z). */
  now?: string | Date;
  /** Settings over the service's defaults (`ServiceConfigSchema`). */
  config?: Record<string, unknown>;
}

/**
 * Fresh in-memory deps for one test: repository, object store, event bus, ids and a manual clock,
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
  const core: InMemoryDeps = {
    repo: new InMemoryMediaRepository(),
    store: new InMemoryObjectStore(clock),
    bus: new InMemoryEventBus(),
    ids: new ClockedIds(clock),
    clock,
    config: ServiceConfigSchema.parse(options.config ?? {}),
  };
  return { ...core, ...(typeof extras === 'function' ? extras(clock) : extras) };
}
