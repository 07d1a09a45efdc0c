import { join } from 'node:path';
import { defaultGalleryDir, runningFile } from './gallery-dir.js';

/** A file system holding an index.html in each of `dirs` only. */
const holding = (...dirs: string[]) => (path: string) => dirs.some((dir) => path === join(dir, 'index.html'));

describe('the gallery serve finds by default', () => {
  it('is the one an installed package ships beside its dist/, whatever the working directory', () => {
    const bundle = '/opt/app/node_modules/@mediaflow/cli/dist/mediaflow.js';
    const exists = holding('/opt/app/node_modules/@mediaflow/cli/gallery', '/home/me/apps/web-gallery/dist');
    expect(defaultGalleryDir(bundle, '/home/me', exists)).toBe('/opt/app/node_modules/@mediaflow/cli/gallery');
  });

  it('is the workspace\u2019s build seen from apps/cli/dist, from any working directory', () => {
    const exists = holding('/src/mediaflow/apps/web-gallery/dist');
    expect(defaultGalleryDir('/src/mediaflow/apps/cli/dist/mediaflow.js', '/tmp', exists)).toBe('/src/mediaflow/apps/web-gallery/dist');
  });

  it('falls back to apps/web-gallery/dist under the working directory, built or not', () => {
    expect(defaultGalleryDir(undefined, '/src/mediaflow', holding('/src/mediaflow/apps/web-gallery/dist'))).toBe('/src/mediaflow/apps/web-gallery/dist');
    expect(defaultGalleryDir('/opt/cli/dist/mediaflow.js', '/home/me', holding())).toBe('/home/me/apps/web-gallery/dist');
  });

  it('knows the running file', () => {
    expect(runningFile()).toBe(join(__dirname, 'gallery-dir.ts'));
  });
});
