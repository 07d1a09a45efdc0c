import { act, fireEvent, render, screen } from '@testing-library/react';
import { mediaItem } from '../test/fixtures';
import { Grid } from './Grid';
import { tileName } from './Tile';

type Callback = (entries: { isIntersecting: boolean }[]) => void;
const observers: { callback: Callback; targets: Element[]; options: IntersectionObserverInit | undefined }[] = [];

beforeEach(() => {
  observers.length = 0;
  (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = class {
    private readonly record: (typeof observers)[number];
    constructor(callback: Callback, options?: IntersectionObserverInit) {
      this.record = { callback, targets: [], options };
      observers.push(this.record);
    }
    observe(target: Element) {
      this.record.targets.push(target);
    }
    disconnect() {
      this.record.targets.length = 0;
    }
  };
});

describe('Grid', () => {
  it('draws each tile over its thumbhash placeholder with a <picture> of AVIF, WebP and JPEG srcsets', () => {
    const item = mediaItem({ title: 'Dunes at noon', tags: [{ name: 'desert', confidence: 0.9, source: 'ai' }] });
    const { container } = render(<Grid items={[item]} hasMore={false} loading={false} onLoadMore={jest.fn()} onOpen={jest.fn()} />);
    const media = screen.getByTestId('tile-media');
    expect(media.style.backgroundImage).toMatch(/^url\("data:image\/png;base64,/);
    expect(media.style.backgroundColor).toBe('rgb(51, 102, 153)');
    const sources = Array.from(container.querySelectorAll('picture source'));
    expect(sources.map((s) => s.getAttribute('type'))).toEqual(['image/avif', 'image/webp']);
    expect(sources[0]?.getAttribute('srcset')).toBe(`/media/renditions/alice/${item.id}/thumb.avif 256w, /media/renditions/alice/${item.id}/small.avif 640w`);
    const img = screen.getByAltText('Dunes at noon: desert');
    expect(img.getAttribute('loading')).toBe('lazy');
    expect(img.getAttribute('src')).toMatch(/thumb\.jpg$/);
    expect(img.getAttribute('sizes')).toContain('240px');
  });

  it('shows kind and status on tiles that are not plain ready images, and opens on click/Enter', () => {
    const onOpen = jest.fn();
    const video = mediaItem({ kind: 'video', status: 'processing', progress: 0.42, renditions: [], placeholder: null, filename: 'clip.mp4', facts: { durationSeconds: 75 } });
    render(<Grid items={[video]} hasMore={false} loading={false} onLoadMore={jest.fn()} onOpen={onOpen} />);
    const button = screen.getByRole('button', { name: 'clip.mp4, video 1:15, Processing' });
    expect(button.closest('li')?.textContent).toContain('1:15');
    // The transcode's progress, as the worker writes it onto the item.
    expect(button.closest('li')?.textContent).toContain('Processing 42%');
    fireEvent.click(button);
    expect(onOpen).toHaveBeenCalledWith(video.id);
  });

  it('shows a video by its poster and an audio file by its cover, rendered like photos, with the duration', () => {
    const stills = mediaItem().renditions.filter((r) => r.name === 'thumb' || r.name === 'small');
    const video = mediaItem({ kind: 'video', filename: 'clip.mp4', facts: { durationSeconds: 3 }, renditions: [...stills, { name: 'poster', format: 'jpeg', width: 320, height: 240, bytes: 1, url: '/media/poster.jpg' }] });
    const song = mediaItem({ kind: 'audio', title: 'Blue in Green', filename: 'song.mp3', facts: { durationSeconds: 337 }, renditions: stills, tags: [] });
    const bare = mediaItem({ kind: 'audio', filename: 'memo.m4a', facts: { durationSeconds: 5 }, renditions: [], placeholder: null, tags: [] });
    const { container } = render(<Grid items={[video, song, bare]} hasMore={false} loading={false} onLoadMore={jest.fn()} onOpen={jest.fn()} />);
    const tiles = Array.from(container.querySelectorAll('li.tile'));
    expect(tiles.map((t) => t.querySelectorAll('picture').length)).toEqual([1, 1, 0]);
    expect(tiles[0]?.textContent).toContain('0:03');
    expect(screen.getByAltText('Blue in Green').getAttribute('src')).toMatch(/thumb\.jpg$/);
    expect(tiles[1]?.textContent).toContain('5:37');
    expect(tiles[2]?.textContent).toContain('memo.m4a');
  });

  it('names a tile with no picture by its title and the file name it shows', () => {
    expect(tileName({ name: 'Lunch menu', kind: 'document', shownFilename: 'menu.pdf' })).toBe('Lunch menu, menu.pdf, document');
    expect(tileName({ name: 'menu.pdf', kind: 'document', shownFilename: 'menu.pdf' })).toBe('menu.pdf, document');
    expect(tileName({ name: 'memo.m4a', kind: 'audio', durationSeconds: 5, status: 'Failed', shownFilename: 'memo.m4a' })).toBe('memo.m4a, audio 0:05, Failed');
  });

  it('names a tile by its caption first, then its badges: kind, duration and status; all it shows on itself is in its name', () => {
    const video = mediaItem({ kind: 'video', filename: 'clip.mp4', facts: { durationSeconds: 3 } });
    const song = mediaItem({ kind: 'audio', title: 'Blue in Green', filename: 'song.mp3', facts: { durationSeconds: 337 }, status: 'processing' });
    const page = mediaItem({ kind: 'document', filename: 'menu.pdf', facts: {}, renditions: [], placeholder: null });
    const photo = mediaItem({ filename: 'dunes.jpg' });
    render(<Grid items={[video, song, page, photo]} hasMore={false} loading={false} onLoadMore={jest.fn()} onOpen={jest.fn()} />);
    expect(screen.getAllByRole('button').map((b) => b.getAttribute('aria-label'))).toEqual([
      'clip.mp4, video 0:03',
      'Blue in Green, audio 5:37, Processing',
      'menu.pdf, document',
      'dunes.jpg',
    ]);
    // The badges and the caption lie over the button, outside it, and are said by the name: what the
    // button itself shows (a file name where there is no picture) is part of its name.
    for (const badge of document.querySelectorAll('.tile-badge, .tile-caption')) expect(badge.getAttribute('aria-hidden')).toBe('true');
    for (const button of screen.getAllByRole('button')) expect(button.getAttribute('aria-label')).toContain(button.textContent ?? '');
    expect(screen.getByRole('button', { name: /^menu\.pdf/ }).textContent).toBe('menu.pdf');
  });

  it('asks for the next page when the sentinel below the grid comes into view', () => {
    const onLoadMore = jest.fn();
    const items = [mediaItem(), mediaItem()];
    const { rerender } = render(<Grid items={items} hasMore loading={false} onLoadMore={onLoadMore} onOpen={jest.fn()} />);
    const observer = observers.at(-1);
    expect(observer?.targets).toEqual([screen.getByTestId('grid-sentinel')]);
    expect(observer?.options?.rootMargin).toBe('1200px 0px');
    act(() => observer?.callback([{ isIntersecting: false }]));
    expect(onLoadMore).not.toHaveBeenCalled();
    act(() => observer?.callback([{ isIntersecting: true }]));
    expect(onLoadMore).toHaveBeenCalledTimes(1);
    // No more pages: nothing is observed any more.
    rerender(<Grid items={items} hasMore={false} loading={false} onLoadMore={onLoadMore} onOpen={jest.fn()} />);
    expect(observers.every((o) => o.targets.length === 0)).toBe(true);
  });

  it('moves focus between tiles with the arrow keys', () => {
    const items = [mediaItem({ filename: 'one.jpg' }), mediaItem({ filename: 'two.jpg' })];
    render(<Grid items={items} hasMore={false} loading={false} onLoadMore={jest.fn()} onOpen={jest.fn()} />);
    const first = screen.getByRole('button', { name: 'one.jpg' });
    first.focus();
    fireEvent.keyDown(first, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'two.jpg' }));
  });
});
