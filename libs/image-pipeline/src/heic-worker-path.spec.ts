import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import { HEIC_WORKER_FILE, heicWorkerPath } from './heic-worker-path.js';

describe('heicWorkerPath', () => {
  it('finds the worker script shipped in the package', () => {
    const path = heicWorkerPath();
    expect(path.endsWith(join('image-pipeline', 'worker', HEIC_WORKER_FILE))).toBe(true);
    expect(existsSync(path)).toBe(true);
  });

  it('resolves the package from an entry script elsewhere in the workspace with no worker beside it', () => {
    // Not apps/cli/dist: the CLI's build ships the worker beside its bundle (the case below).
    expect(heicWorkerPath([join(__dirname, '..', '..', '..', 'apps', 'cli', 'elsewhere', 'entry.js')])).toBe(heicWorkerPath());
  });

  it('prefers a worker shipped beside a bundle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'heic-worker-'));
    try {
      await writeFile(join(dir, HEIC_WORKER_FILE), '');
      expect(heicWorkerPath([join(dir, 'index.mjs')])).toBe(join(dir, HEIC_WORKER_FILE));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with a domain error when there is no worker to find', () => {
    expect(() => heicWorkerPath(['/nonexistent/entry.js'])).toThrow(MediaError);
  });
});
