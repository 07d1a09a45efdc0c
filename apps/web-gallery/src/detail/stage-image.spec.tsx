import { render, screen } from '@testing-library/react';
import type { RenditionView } from '../api/types';
import { mediaItem } from '../test/fixtures';
import { ImageViewer } from './ImageViewer';
import { imageStage, isProcessing, largestImage } from './stage-image';

const still = (name: string, format: string, width: number | null, height: number | null): RenditionView => ({
  name,
  format,
  width,
  height,
  bytes: 100,
  url: `/media/renditions/alice/x/${name}.${format}`,
});

describe('largestImage', () => {
  it('takes the largest image rendition by pixel area, whatever the order', () => {
    const list = [still('medium', 'webp', 1280, 853), still('large', 'webp', 2048, 1365), still('thumb', 'jpeg', 256, 171), still('small', 'avif', 640, 427)];
    expect(largestImage(list)?.name).toBe('large');
    expect(largestImage([...list].reverse())?.name).toBe('large');
  });

  it('takes a thumb when that is all there is, and nothing that is not a sized still', () => {
    expect(largestImage([still('thumb', 'webp', 200, 150), still('thumb', 'avif', 200, 150)])?.name).toBe('thumb');
    // A poster, a video preview, a waveform, a rendition without dimensions: none is the image.
    expect(largestImage([still('poster', 'jpeg', 1920, 1080), still('preview', 'mp4', 1920, 1080), still('waveform', 'json', null, null), still('large', 'webp', null, null)])).toBeUndefined();
  });

  it('ranks by area, not by name or width alone (a tall image)', () => {
    const wide = still('small', 'webp', 640, 100);
    const tall = still('medium', 'webp', 400, 1280);
    expect(largestImage([wide, tall])).toBe(tall);
  });
});

describe('imageStage', () => {
  const thumbOnly = [still('thumb', 'webp', 200, 150), still('thumb', 'jpeg', 200, 150)];

  it('shows a small picture’s thumb, with nothing to say once it is ready', () => {
    expect(imageStage({ status: 'ready', renditions: thumbOnly })).toEqual({ name: 'thumb', width: 200, note: null });
  });

  it('says larger versions are still being made only while the item is processing', () => {
    for (const status of ['uploaded', 'processing'] as const) {
      expect(imageStage({ status, renditions: thumbOnly })).toEqual({ name: 'thumb', width: 200, note: 'Larger versions are still being made.' });
    }
    for (const status of ['ready', 'failed', 'flagged'] as const) expect(imageStage({ status, renditions: thumbOnly }).note).toBeNull();
    // Nothing is larger than `large`.
    expect(imageStage({ status: 'processing', renditions: [...thumbOnly, still('large', 'webp', 2048, 1536)] })).toEqual({ name: 'large', width: 2048, note: null });
  });

  it('says why there is no picture at all', () => {
    expect(imageStage({ status: 'processing', renditions: [] }).note).toBe('The web-ready versions are still being made.');
    expect(imageStage({ status: 'failed', renditions: [] })).toEqual({ name: null, width: null, note: 'There is no web-ready version of this image.' });
  });

  it('knows which statuses are still on their way', () => {
    expect(['uploading', 'uploaded', 'processing', 'ready', 'failed', 'flagged', 'deleted', 'trashed'].filter(isProcessing)).toEqual(['uploading', 'uploaded', 'processing']);
  });
});

describe('ImageViewer', () => {
  it('opens a small picture at its thumb (every format of it), with zoom, and no note once ready', () => {
    const item = mediaItem({ facts: { width: 200, height: 150, format: 'jpeg' }, renditions: [still('thumb', 'avif', 200, 150), still('thumb', 'webp', 200, 150), still('thumb', 'jpeg', 200, 150)] });
    render(<ImageViewer item={item} />);
    expect(screen.queryByText(/not made yet|being made/)).toBeNull();
    const img = document.querySelector('img.viewer-img:not(.viewer-placeholder)');
    expect(img?.getAttribute('src')).toBe('/media/renditions/alice/x/thumb.jpeg');
    expect([...document.querySelectorAll('source')].map((s) => s.getAttribute('srcset'))).toEqual(['/media/renditions/alice/x/thumb.avif 200w', '/media/renditions/alice/x/thumb.webp 200w']);
    // Its own width is its display size: a small picture is not blown up to the stage.
    expect(img?.getAttribute('sizes')).toBe('200px');
    expect(screen.getByRole('button', { name: 'Zoom' })).toBeTruthy();
  });

  it('shows the largest size of a full set, and the note while the item is processing', () => {
    const item = mediaItem({ status: 'processing' });
    const large = item.renditions.filter((r) => r.name !== 'large');
    render(<ImageViewer item={{ ...item, renditions: large }} />);
    expect([...document.querySelectorAll('source')].map((s) => s.getAttribute('srcset'))).toEqual([
      `/media/renditions/alice/${item.id}/medium.avif 1280w`,
      `/media/renditions/alice/${item.id}/medium.webp 1280w`,
    ]);
    expect(screen.getByRole('status').textContent).toBe('Larger versions are still being made.');
  });

  it('says so when there is nothing to show yet', () => {
    render(<ImageViewer item={mediaItem({ status: 'processing', renditions: [] })} />);
    expect(screen.getByText('The web-ready versions are still being made.')).toBeTruthy();
    expect(document.querySelector('picture')).toBeNull();
  });
});
