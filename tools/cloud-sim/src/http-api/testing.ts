/**
 * A test double of the stage's `Invoker` for the HTTP API: it records each event and answers with
 * whatever the test's responder returns, so a test sees exactly what the function would have seen.
 */
import type { InvokeResult, Invoker } from '../types.js';

export type Responder = (event: unknown, functionName: string) => InvokeResult | Promise<InvokeResult>;

export class RecordingInvoker implements Invoker {
  readonly calls: Array<{ functionName: string; event: unknown }> = [];

  constructor(private responder: Responder = () => ({ result: { statusCode: 200, body: 'ok' } })) {}

  /** Changes the answer for the calls that follow. */
  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  async invoke(functionName: string, event: unknown): Promise<InvokeResult> {
    this.calls.push({ functionName, event });
    return this.responder(event, functionName);
  }

  /** The event of the last call (fails the test when nothing was invoked). */
  lastEvent<T = Record<string, unknown>>(): T {
    const last = this.calls.at(-1);
    if (!last) throw new Error('The function was never invoked.');
    return last.event as T;
  }
}
