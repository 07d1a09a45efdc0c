import { AsyncLocalStorage } from 'node:async_hooks';
import { pullInScope, streamInScope } from './scoped-stream.js';

const scope = new AsyncLocalStorage<string>();

async function* storesSeen(count: number): AsyncGenerator<string> {
  for (let i = 0; i < count; i += 1) {
    // A real wait between chunks, as a zip's reads have.
    await new Promise((resolve) => setTimeout(resolve, 1));
    yield scope.getStore() ?? 'none';
  }
}

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

describe('streamInScope', () => {
  it('reads every chunk in the scope the stream was made in, though it is read outside it', async () => {
    const stream = scope.run('request-1', () => streamInScope(storesSeen(3)));
    expect(await readAll(stream)).toEqual(['request-1', 'request-1', 'request-1']);
    // Without it, chunks are read in the reader's context.
    const plain = scope.run('request-2', () => ReadableStream.from(storesSeen(3)));
    expect(await scope.run('elsewhere', () => readAll(plain))).toContain('elsewhere');
  });

  it('ends the source when the reader cancels', async () => {
    let ended = false;
    async function* endless(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i += 1) yield i;
      } finally {
        ended = true;
      }
    }
    const reader = streamInScope(endless()).getReader();
    expect((await reader.read()).value).toBe(0);
    await reader.cancel();
    expect(ended).toBe(true);
  });
});

describe('pullInScope', () => {
  it('runs a pull function in the scope it was bound in', async () => {
    const pull = scope.run('request-3', () => pullInScope(async () => scope.getStore()));
    expect(await scope.run('elsewhere', () => pull())).toBe('request-3');
  });
});
