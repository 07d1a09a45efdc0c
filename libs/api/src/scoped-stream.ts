import { AsyncResource } from 'node:async_hooks';

/**
 * A response body read in the request's own asynchronous context. The server pulls a streamed body
 * after the handler (and the middleware that gave the request its scope: its id, the logger's
 * fields) has returned, so every pull but the first would run outside that scope: what a zip's
 * reads or the live-status stream log and publish would lose the request's id. Each pull runs in
 * the context of the call that made the stream.
 *
 * @example return c.body(streamInScope(archive.body()), 200, headers);
 */
export function streamInScope<T>(source: AsyncIterable<T>): ReadableStream<T> {
  const iterator = source[Symbol.asyncIterator]();
  const inScope = new AsyncResource('mediaflow.stream');
  return new ReadableStream<T>({
    async pull(controller) {
      const { value, done } = await inScope.runInAsyncScope(() => iterator.next());
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      await inScope.runInAsyncScope(() => iterator.return?.(reason));
    },
  });
}

/** `pull` bound to the asynchronous context it is made in (for a stream built on a pull function). */
export function pullInScope<A extends unknown[], R>(pull: (...args: A) => R): (...args: A) => R {
  return AsyncResource.bind(pull);
}
