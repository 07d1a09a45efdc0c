import { fireEvent, screen, waitFor } from '@testing-library/react';
import { fakeApi, mediaItem, renderWith, testServices } from '../test/fixtures';
import { Detail } from './Detail';

function setup(item = mediaItem({ title: 'Beach day' }), apiOverrides = {}) {
  const api = fakeApi({ getMedia: jest.fn(async () => item), ...apiOverrides });
  const services = testServices(api);
  const props = { id: item.id, initial: item, prevId: 'prev', nextId: null, onNavigate: jest.fn(), onClose: jest.fn() };
  renderWith(<Detail {...props} />, services);
  return { api, services, props, item };
}

describe('Detail', () => {
  it('shows AI tags apart from the owner’s tags, the facts and the original download', async () => {
    const { item } = setup();
    expect(await screen.findByRole('dialog', { name: 'Beach day' })).toBeTruthy();
    expect(screen.getByRole('list', { name: 'Automatic tags' }).textContent).toContain('beach93%');
    expect(screen.getByRole('button', { name: 'Remove tag holiday' })).toBeTruthy();
    expect(screen.getByText('3000 × 2000')).toBeTruthy();
    // The API's short-lived link to the object store: an anchor cannot carry the bearer token.
    expect((await screen.findByRole('link', { name: /Original/ })).getAttribute('href')).toBe(`https://downloads.test/originals/${item.id}?signature=x`);
  });

  it('saves the title and own tags with PATCH and tells the rest of the app', async () => {
    const item = mediaItem({ title: 'Beach day' });
    const updated = { ...item, title: 'Sunset', tags: [...item.tags, { name: 'sunset', confidence: 1, source: 'user' as const }] };
    const { api, services } = setup(item, { updateMedia: jest.fn(async () => updated) });
    const seen = jest.fn();
    services.events.onUpdated(seen);
    fireEvent.change(await screen.findByLabelText('Title'), { target: { value: 'Sunset' } });
    const add = screen.getByLabelText('Add a tag');
    fireEvent.change(add, { target: { value: 'Sunset' } });
    fireEvent.keyDown(add, { key: 'Enter' });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(api.updateMedia).toHaveBeenCalledWith(item.id, { title: 'Sunset', tags: ['holiday', 'sunset'] }));
    expect(await screen.findByText('Saved')).toBeTruthy();
    expect(seen).toHaveBeenCalledWith(updated);
  });

  it('shows the server’s reason when saving fails', async () => {
    const { ApiError } = await import('../api/client');
    setup(undefined, { updateMedia: jest.fn(async () => Promise.reject(new ApiError('x', 400, 'validation_failed', '"$$$" is not a usable tag'))) });
    const add = await screen.findByLabelText('Add a tag');
    fireEvent.change(add, { target: { value: '$$$' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect((await screen.findByRole('alert')).textContent).toBe('"$$$" is not a usable tag');
  });

  it('deletes only after confirmation, then moves on', async () => {
    const { api, props, services, item } = setup(undefined, { deleteMedia: jest.fn(async () => undefined) });
    const removed = jest.fn();
    services.events.onRemoved(removed);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(api.deleteMedia).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete permanently' }));
    await waitFor(() => expect(api.deleteMedia).toHaveBeenCalledWith(item.id));
    await waitFor(() => expect(props.onNavigate).toHaveBeenCalledWith('prev'));
    expect(removed).toHaveBeenCalledWith(item.id);
  });

  it('holds flagged items for review with release and delete, and shows a failure reason', async () => {
    const flagged = mediaItem({ status: 'flagged', moderation: { verdict: 'flagged', labels: [{ name: 'violence', confidence: 0.91 }] } });
    const { api } = setup(flagged, { releaseMedia: jest.fn(async () => ({ ...flagged, status: 'ready' as const })) });
    expect(await screen.findByText('Held for review')).toBeTruthy();
    expect(screen.getByText(/violence \(91%\)/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Release' }));
    await waitFor(() => expect(api.releaseMedia).toHaveBeenCalledWith(flagged.id));
  });

  it('closes on Escape and steps with the arrow keys', async () => {
    const { props } = setup();
    await screen.findByRole('dialog');
    fireEvent.keyDown(window, { key: 'ArrowLeft' });
    expect(props.onNavigate).toHaveBeenCalledWith('prev');
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(props.onClose).toHaveBeenCalled();
  });

  it('offers a download for documents and for videos without renditions yet', async () => {
    setup(mediaItem({ kind: 'video', filename: 'clip.mov', renditions: [], status: 'ready' }));
    expect(await screen.findByRole('link', { name: /Download the original/ })).toBeTruthy();
  });

  it('plays a video from its MP4 preview with the poster when there is no stream', async () => {
    const base = `/media/renditions/alice/v1`;
    const item = mediaItem({
      kind: 'video',
      filename: 'clip.mp4',
      renditions: [
        { name: 'preview', format: 'mp4', width: 320, height: 240, bytes: 10, url: `${base}/preview.mp4` },
        { name: 'poster', format: 'jpeg', width: 320, height: 240, bytes: 10, url: `${base}/poster.jpg` },
      ],
    });
    setup(item);
    await screen.findByRole('dialog');
    const video = document.querySelector('video');
    expect([video?.getAttribute('src'), video?.getAttribute('poster'), video?.hasAttribute('controls')]).toEqual([`${base}/preview.mp4`, `${base}/poster.jpg`, true]);
  });

  it('plays audio from its Opus and AAC previews, with the cover and the waveform', async () => {
    const base = `/media/renditions/alice/a1`;
    const stills = mediaItem().renditions.filter((r) => r.name === 'small');
    const item = mediaItem({
      kind: 'audio',
      title: 'Blue in Green',
      filename: 'song.mp3',
      facts: { durationSeconds: 2, audio: { artist: 'The Quartet' } },
      renditions: [
        ...stills,
        { name: 'preview', format: 'm4a', width: null, height: null, bytes: 10, url: `${base}/preview.m4a` },
        { name: 'preview', format: 'opus', width: null, height: null, bytes: 10, url: `${base}/preview.opus` },
        { name: 'waveform', format: 'json', width: null, height: null, bytes: 10, url: `${base}/waveform.json` },
      ],
    });
    const fetchMock = jest.fn(async () => ({ ok: true, json: async () => ({ version: 1, durationSeconds: 2, peaks: [0.1, 0.9, 0.4] }) }));
    const saved = globalThis.fetch;
    globalThis.fetch = fetchMock as unknown as typeof fetch;
    try {
      setup(item);
      expect(await screen.findByRole('slider', { name: 'Position' })).toBeTruthy();
      const sources = Array.from(document.querySelectorAll('audio source'));
      expect(sources.map((s) => [s.getAttribute('src'), s.getAttribute('type')])).toEqual([
        [`${base}/preview.opus`, 'audio/ogg; codecs=opus'],
        [`${base}/preview.m4a`, 'audio/mp4'],
      ]);
      expect(screen.getByAltText('Cover of Blue in Green')).toBeTruthy();
      expect(screen.getByText('The Quartet')).toBeTruthy();
      expect(fetchMock).toHaveBeenCalledWith(`${base}/waveform.json`, expect.anything());
    } finally {
      globalThis.fetch = saved;
    }
  });
});
