import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import { onDeviceWorkerPath, WORKER_FILE } from './worker-path.js';

describe('onDeviceWorkerPath', () => {
  it('finds the worker script shipped in the package', () => {
    const path = onDeviceWorkerPath();
    expect(path.endsWith(WORKER_FILE)).toBe(true);
    expect(existsSync(path)).toBe(true);
  });

  it('resolves from an entry script elsewhere in the workspace, as a bundle does', () => {
    expect(onDeviceWorkerPath([join(__dirname, '..', '..', '..', '..', 'apps', 'cli', 'dist', 'mediaflow.js')])).toBe(onDeviceWorkerPath());
  });

  it('fails with a domain error when the package cannot be found', () => {
    expect(() => onDeviceWorkerPath(['/nonexistent/entry.js'])).toThrow(MediaError);
  });
});
