import { ConflictError, CorruptMediaError, MediaError, SearchQuerySchema, TEXT_MAX_LENGTH, type MediaItem, type Rendition, type TaggerInput, type TextReader, type TextReading } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { inMemoryDeps } from '../testing/index.js';
import { framesToRead, readText, TEXT_SAVE_ATTEMPTS } from './text.js';

const ID = '01JQ0000000000000000000003';

function rendition(name: string, format: Rendition['format']): Rendition {
  const ext = format === 'jpeg' ? 'jpg' : format;
  return { name, format, key: `renditions/alice/${ID}/${name}.${ext}`, contentType: `image/${format}`, bytes: 10 };
}

/** A reader that answers from the bytes it is given (each rendition's bytes are its name). */
class ScriptedReader implements TextReader {
  readonly calls: TaggerInput[] = [];
  constructor(private readonly answer: (name: string) => TextReading) {}
  async read(input: TaggerInput): Promise<TextReading> {
    this.calls.push(input);
    return this.answer(new TextDecoder().decode(input.bytes));
  }
}

const RENDITIONS = [rendition('thumb', 'jpeg'), rendition('small', 'webp'), rendition('medium', 'jpeg'), rendition('large', 'webp')];

async function setup(item: Partial<MediaItem>, answer: (name: string) => TextReading, formats?: Rendition['format'][]) {
  const reader = new ScriptedReader(answer);
  const deps = inMemoryDeps({ text: { reader, formats } });
  const created = makeMediaItem({ id: ID, ownerId: 'alice', status: 'ready', renditions: RENDITIONS, ...item });
  await deps.repo.create(created);
  for (const r of created.renditions) await deps.store.put(r.key, new TextEncoder().encode(r.name));
  return { deps, reader };
}

describe('framesToRead', () => {
  it('reads the largest still in a format the reader takes', () => {
    const item = makeMediaItem({ kind: 'image', renditions: RENDITIONS });
    expect(framesToRead(item)?.name).toBe('medium');
    expect(framesToRead(item, ['jpeg', 'png', 'webp'])?.name).toBe('large');
    expect(framesToRead(makeMediaItem({ kind: 'image', renditions: [rendition('small', 'avif')] }))).toBeUndefined();
  });

  it('reads a video\u2019s poster', () => {
    const item = makeMediaItem({ kind: 'video', renditions: [rendition('hls/master', 'm3u8'), rendition('thumbs/01', 'jpeg'), rendition('poster', 'jpeg')] });
    expect(framesToRead(item)?.name).toBe('poster');
  });
});

describe('readText', () => {
  it('saves the words read from the largest still, once: a second delivery asks the reader nothing', async () => {
    const { deps, reader } = await setup({}, (name) => ({ text: name === 'medium' ? 'Harbour Street Market\nOpen daily' : 'wrong rendition' }));
    const result = await readText(deps, 'alice', ID);
    expect(result.outcome).toBe('read');
    const item = await deps.repo.get('alice', ID);
    expect(item?.text).toEqual({ content: 'Harbour Street Market\nOpen daily', readAt: '2026-06-01T00:00:00.000Z' });
    expect(item?.version).toBe(2);
    expect(reader.calls[0]).toMatchObject({ kind: 'image', objectKey: `renditions/alice/${ID}/medium.jpg` });
    expect(deps.bus.published).toEqual([]);

    expect(await readText(deps, 'alice', ID)).toEqual({ outcome: 'ignored', reason: 'already read' });
    expect(reader.calls).toHaveLength(1);
  });

  it('records that it looked when the reader skipped the image, so it is not looked at again', async () => {
    const { deps } = await setup({}, () => ({ text: '', skipped: 'no text likely' }));
    expect(await readText(deps, 'alice', ID)).toMatchObject({ outcome: 'read', skipped: 'no text likely' });
    expect((await deps.repo.get('alice', ID))?.text).toEqual({ content: '', readAt: '2026-06-01T00:00:00.000Z' });
  });

  it('lets the queue retry a reader out of time, and leaves the item unread when the last delivery overruns too', async () => {
    const { deps } = await setup({}, () => {
      throw new MediaError('timeout', 'not read within 20000 ms');
    });
    await expect(readText(deps, 'alice', ID, { lastAttempt: false })).rejects.toMatchObject({ code: 'timeout' });
    expect(await readText(deps, 'alice', ID, { lastAttempt: true })).toMatchObject({ outcome: 'ignored' });
    expect((await deps.repo.get('alice', ID))?.text).toBeUndefined();
  });

  it('reads a held item and one in the trash (both still their owner\u2019s), and leaves alone one that is not ready or gone', async () => {
    const held = await setup({ status: 'flagged' }, () => ({ text: 'menu' }));
    expect((await readText(held.deps, 'alice', ID)).outcome).toBe('read');
    // Trashed before its text was read: read there, so that a restore brings it back findable by it.
    const trashed = await setup({ status: 'trashed' }, () => ({ text: 'menu' }));
    expect(await readText(trashed.deps, 'alice', ID)).toMatchObject({ outcome: 'read', item: { status: 'trashed', text: { content: 'menu' } } });

    for (const status of ['processing', 'failed'] as const) {
      const other = await setup({ status }, () => ({ text: 'menu' }));
      expect(await readText(other.deps, 'alice', ID)).toEqual({ outcome: 'ignored', reason: `item is ${status}` });
      expect(other.reader.calls).toEqual([]);
    }
    const gone = await setup({}, () => ({ text: 'menu' }));
    expect(await readText(gone.deps, 'alice', 'no-such-item')).toEqual({ outcome: 'ignored', reason: 'item is gone' });
  });

  it('leaves an item the reader cannot decode as it is, and has nothing to read in a document', async () => {
    const unreadable = await setup({}, () => {
      throw new CorruptMediaError('not an image');
    });
    expect(await readText(unreadable.deps, 'alice', ID)).toEqual({ outcome: 'ignored', reason: 'the reader could not read it: not an image' });
    expect((await unreadable.deps.repo.get('alice', ID))?.text).toBeUndefined();

    const document = await setup({ kind: 'document', renditions: [] }, () => ({ text: 'x' }));
    expect(await readText(document.deps, 'alice', ID)).toEqual({ outcome: 'ignored', reason: 'nothing to read in a document' });
  });

  it('throws what is the machine\u2019s fault, for the queue to retry', async () => {
    const { deps } = await setup({}, () => {
      throw new Error('engine crashed');
    });
    await expect(readText(deps, 'alice', ID)).rejects.toThrow('engine crashed');
    expect((await deps.repo.get('alice', ID))?.text).toBeUndefined();
  });

  it('applies the text to an item the owner edited meanwhile, keeping the edit', async () => {
    const { deps } = await setup({}, () => ({ text: 'Fresh bread' }));
    const update = deps.repo.update.bind(deps.repo);
    let edited = false;
    deps.repo.update = async (next, expected) => {
      if (!edited) {
        edited = true;
        const current = await deps.repo.get('alice', ID);
        if (current) await update({ ...current, title: 'Bakery', version: current.version + 1 }, current.version);
      }
      return update(next, expected);
    };
    expect((await readText(deps, 'alice', ID)).outcome).toBe('read');
    expect(await deps.repo.get('alice', ID)).toMatchObject({ title: 'Bakery', text: { content: 'Fresh bread' }, version: 3 });
  });

  it('gives the queue the conflict when the item keeps changing', async () => {
    const { deps } = await setup({}, () => ({ text: 'Fresh bread' }));
    let attempts = 0;
    deps.repo.update = async () => {
      attempts += 1;
      throw new ConflictError('version moved');
    };
    await expect(readText(deps, 'alice', ID)).rejects.toBeInstanceOf(ConflictError);
    expect(attempts).toBe(TEXT_SAVE_ATTEMPTS);
  });

  it('cuts a reading longer than an item keeps at a word boundary', async () => {
    const long = Array.from({ length: 1000 }, (_, i) => `word${i}`).join(' ');
    const { deps } = await setup({}, () => ({ text: long }));
    await readText(deps, 'alice', ID);
    const content = (await deps.repo.get('alice', ID))?.text?.content ?? '';
    expect(content.length).toBeLessThanOrEqual(TEXT_MAX_LENGTH);
    expect(long.startsWith(content)).toBe(true);
    expect(long[content.length]).toBe(' ');
  });

  it('makes the item findable by a word read from it', async () => {
    const { deps } = await setup({}, () => ({ text: 'Tickets at the blue kiosk' }));
    await readText(deps, 'alice', ID);
    expect((await deps.search.search('alice', SearchQuerySchema.parse({ q: 'kiosk' }))).items.map((i) => i.id)).toEqual([ID]);
  });
});
