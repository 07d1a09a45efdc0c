import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsRequest, Principal, ServiceHandler } from '../../types.js';

/** A running {@link serveForTests} server. */
export interface TestEndpoint {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function isSigned(url: URL, headers: Record<string, string>): boolean {
  return headers['authorization'] !== undefined || url.searchParams.has('X-Amz-Signature');
}

/**
 * Serves `handler` over HTTP on 127.0.0.1 for tests, in place of the gateway: no signature check
 * and no IAM, a signed request is taken to come from `principal`, an unsigned one is anonymous.
 */
export async function serveForTests(handler: ServiceHandler, principal: Principal): Promise<TestEndpoint> {
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const request: AwsRequest = {
        service: 's3',
        method: incoming.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers,
        body: await readBody(incoming),
        principal: isSigned(url, headers) ? principal : { type: 'anonymous' },
      };
      const response = await handler.handle(request);
      const body = response.body === undefined ? undefined : Buffer.from(response.body);
      const out: Record<string, string> = { ...response.headers };
      if (body !== undefined) out['content-length'] = String(body.length);
      else if (out['content-length'] === undefined && response.status !== 204 && response.status !== 304) out['content-length'] = '0';
      outgoing.writeHead(response.status, out);
      outgoing.end(request.method === 'HEAD' ? undefined : body);
    })().catch((error: unknown) => {
      outgoing.writeHead(500);
      outgoing.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
