import { fireEvent, screen, waitFor } from '@testing-library/react';
import { albumView, fakeApi, mediaItem, renderWith, testServices } from '../test/fixtures';
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

  it('shows how many people are in the picture and the text read from it', async () => {
    setup(mediaItem({ title: 'Bakery', faces: 2, text: { content: 'HARBOUR BAKERY\nFresh bread every morning', readAt: '2026-06-01T00:00:00.000Z' } }));
    const found = await screen.findByRole('region', { name: 'In the picture' });
    expect(found.textContent).toContain('2 people');
    expect(found.querySelector('blockquote')?.textContent).toBe('HARBOUR BAKERY\nFresh bread every morning');
  });

  it('shows no such section for a picture without faces or text', async () => {
    setup(mediaItem({ title: 'Field', faces: null, text: { content: '', readAt: '2026-06-01T00:00:00.000Z' } }));
    expect(await screen.findByRole('dialog', { name: 'Field' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'In the picture' })).toBeNull();
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
    await waitFor(() => expect(api.updateMedia).toHaveBeenCalledWith(item.id, { title: 'Sunset', description: null, tags: ['holiday', 'sunset'] }));
    expect(await screen.findByText('Saved')).toBeTruthy();
    expect(seen).toHaveBeenCalledWith(updated);
  });

  it('saves the description with the title and tags, and shows it under the title', async () => {
    const item = mediaItem({ title: 'Beach day' });
    const updated = { ...item, description: 'Low tide.\nThe dog found a crab.' };
    const { api } = setup(item, { updateMedia: jest.fn(async () => updated) });
    const field = await screen.findByRole('textbox', { name: 'Description' });
    expect(field.tagName).toBe('TEXTAREA');
    fireEvent.change(field, { target: { value: '  Low tide.\nThe dog found a crab.\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(api.updateMedia).toHaveBeenCalledWith(item.id, { title: 'Beach day', description: 'Low tide.\nThe dog found a crab.', tags: ['holiday'] }),
    );
    expect(await screen.findByText('Saved')).toBeTruthy();
    // The dialog keeps its name; the description sits under the title.
    const dialog = screen.getByRole('dialog', { name: 'Beach day' });
    expect(dialog.querySelector('.detail-head .item-description')?.textContent).toBe('Low tide.\nThe dog found a crab.');
  });

  it('clears the description when it is emptied', async () => {
    const item = mediaItem({ title: 'Beach day', description: 'Old words' });
    const { api } = setup(item, { updateMedia: jest.fn(async () => ({ ...item, description: null })) });
    expect((await screen.findByRole('dialog', { name: 'Beach day' })).querySelector('.item-description')?.textContent).toBe('Old words');
    const field = screen.getByRole('textbox', { name: 'Description' });
    expect((field as HTMLTextAreaElement).value).toBe('Old words');
    fireEvent.change(field, { target: { value: '   ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(api.updateMedia).toHaveBeenCalledWith(item.id, { title: 'Beach day', description: null, tags: ['holiday'] }));
    await waitFor(() => expect(document.querySelector('.item-description')).toBeNull());
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
    fireEvent.click(screen.getByRole('button', { name: 'Move to trash' }));
    await waitFor(() => expect(api.deleteMedia).toHaveBeenCalledWith(item.id));
    await waitFor(() => expect(props.onNavigate).toHaveBeenCalledWith('prev'));
    expect(removed).toHaveBeenCalledWith(item.id);
  });

  it('holds flagged items for review, and the owner can only ask a moderator to look (no release)', async () => {
    const flagged = mediaItem({ status: 'flagged', moderation: { verdict: 'flagged', labels: [{ name: 'violence', confidence: 0.91 }] } });
    const requested = { ...flagged, moderation: { ...flagged.moderation, reviewRequestedAt: '2026-11-05T09:00:00.000Z' } };
    const { api } = setup(flagged, { requestReview: jest.fn(async () => requested) });
    expect(await screen.findByText('Held for review')).toBeTruthy();
    expect(screen.getByText(/violence \(91%\)/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Release' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Ask for review' }));
    await waitFor(() => expect(api.requestReview).toHaveBeenCalledWith(flagged.id));
    expect(await screen.findByText('A moderator will review this item.')).toBeTruthy();
    expect(screen.getByText(/You asked for a review on/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Ask for review' })).toBeNull();
  });

  it('shows a rejected item’s reason to its owner, who may ask for another review', async () => {
    const rejected = mediaItem({ status: 'flagged', moderation: { verdict: 'rejected', labels: [], reason: 'Shows a person who did not agree to it' } });
    const { api } = setup(rejected, { requestReview: jest.fn(async () => ({ ...rejected, moderation: { verdict: 'flagged' as const, labels: [] } })) });
    expect(await screen.findByText('Rejected by a moderator')).toBeTruthy();
    expect(screen.getByText('Shows a person who did not agree to it')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Ask for review' }));
    await waitFor(() => expect(api.requestReview).toHaveBeenCalledWith(rejected.id));
  });

  it('adds the item to an album and shares it from the detail view', async () => {
    const album = albumView({ name: 'Summer' });
    const { api, item } = setup(undefined, {
      listAlbums: jest.fn(async () => ({ items: [album], nextCursor: null })),
      addAlbumItems: jest.fn(async () => ({ album: { ...album, itemCount: 1 }, results: [{ id: 'x', outcome: 'added' as const }] })),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Add to album' }));
    fireEvent.click(await screen.findByRole('button', { name: /Summer/ }));
    await waitFor(() => expect(api.addAlbumItems).toHaveBeenCalledWith(album.id, [item.id]));
    expect(await screen.findByRole('dialog', { name: 'Added to “Summer”' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    fireEvent.click(screen.getByRole('button', { name: 'Share' }));
    expect(await screen.findByRole('dialog', { name: 'Share “Beach day”' })).toBeTruthy();
    expect(api.listShares).toHaveBeenCalledWith({ type: 'media', mediaId: item.id }, expect.anything());
    // Escape closes the share dialog only, not the detail view under it.
    fireEvent.keyDown(screen.getByRole('dialog', { name: 'Share “Beach day”' }), { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Share “Beach day”' })).toBeNull();
    expect(screen.getByRole('dialog', { name: 'Beach day' })).toBeTruthy();
  });

  it('offers an album’s own actions when opened from the album: use as cover, remove', async () => {
    const item = mediaItem({ title: 'Beach day' });
    const album = albumView({ name: 'Summer', itemCount: 2 });
    const inAlbum = { album, onChanged: jest.fn(), onRemoved: jest.fn() };
    const api = fakeApi({
      getMedia: jest.fn(async () => item),
      updateAlbum: jest.fn(async () => ({ ...album, coverMediaId: item.id })),
      removeAlbumItems: jest.fn(async () => ({ album: { ...album, itemCount: 1 }, results: [{ id: item.id, outcome: 'removed' as const }] })),
    });
    const props = { id: item.id, initial: item, prevId: 'prev', nextId: null, onNavigate: jest.fn(), onClose: jest.fn(), inAlbum };
    renderWith(<Detail {...props} />, testServices(api));
    fireEvent.click(await screen.findByRole('button', { name: 'Use as cover' }));
    await waitFor(() => expect(api.updateAlbum).toHaveBeenCalledWith(album.id, { coverMediaId: item.id }));
    expect(inAlbum.onChanged).toHaveBeenCalledWith({ ...album, coverMediaId: item.id });
    fireEvent.click(screen.getByRole('button', { name: 'Remove from album' }));
    await waitFor(() => expect(api.removeAlbumItems).toHaveBeenCalledWith(album.id, [item.id]));
    expect(inAlbum.onRemoved).toHaveBeenCalledWith(item.id, { ...album, itemCount: 1 });
    expect(props.onNavigate).toHaveBeenCalledWith('prev');
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
