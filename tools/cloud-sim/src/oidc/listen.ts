import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `host:port` and answers the base URL (`http://127.0.0.1:PORT`). */
export async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shown}:${address.port}`;
}

const closing = new WeakMap<Server, Promise<void>>();

/**
 * Stops the server and drops its kept-alive connections. Safe to call more than once: a stage tears
 * down its parts in whatever order its callers choose.
 */
export function closeServer(server: Server): Promise<void> {
  let done = closing.get(server);
  if (!done) {
    done = new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    closing.set(server, done);
  }
  return done;
}
