import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

/** Credentials dynalite accepts (it checks none). */
export const DYNALITE_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * A dynalite server on a free loopback port for the medium tests of one file: started before them,
 * stopped after. `endpoint()` is valid inside tests and hooks.
 *
 * @example
 * const dynamo = useDynalite();
 * const client = new DynamoDBClient({ endpoint: dynamo.endpoint(), region: 'us-east-1', credentials: DYNALITE_CREDENTIALS });
 */
export function useDynalite(): { endpoint(): string } {
  let server: Server | undefined;
  let endpoint = '';
  beforeAll(async () => {
    const started = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    server = started;
    await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    const running = server;
    if (running) await new Promise<void>((resolve, reject) => running.close((error) => (error ? reject(error) : resolve())));
  });
  return {
    endpoint: () => {
      if (endpoint === '') throw new Error('dynalite is not started yet (call endpoint() inside a test or hook)');
      return endpoint;
    },
  };
}
