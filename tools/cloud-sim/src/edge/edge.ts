import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SimLog } from '../types.js';

export interface EdgeOptions {
  /**
   * The local listener (`http://127.0.0.1:PORT`) serving a public host name, or undefined. The
   * request's headers tell apart parts sharing a name (Cognito's host serves both the pool's keys
   * and its JSON API).
   */
  route(host: string, headers: IncomingHttpHeaders): string | undefined;
  cert: string;
  key: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  log: SimLog;
}

export interface Edge {
  /** `127.0.0.1:PORT`: where every public name of the stage connects. */
  address: string;
  port: number;
  /** Chromium's `--host-resolver-rules` value that sends the stage's names here. */
  resolverRules: string;
  close(): Promise<void>;
}

/** The name families the edge serves: the ones a client is pointed at. */
export const PUBLIC_SUFFIXES = ['cloudfront.net', 'amazonaws.com', 'amazoncognito.com'] as const;

/**
 * The stage's public face: one HTTPS listener answering for every host name the template hands out
 * (`d….cloudfront.net`, `bucket.s3.region.amazonaws.com`, `dynamodb.region.amazonaws.com`, the
 * hosted sign-in domain), routing each request by its Host header to the part that serves it. The
 * request goes on unchanged (method, path, headers, Host included), so signatures made for the
 * public name still verify. A browser reaches it through `resolverRules`; a function through its
 * runtime's connection hook and the stage's authority (`certificate.ts`).
 *
 * @example
 * const edge = await startEdge({ route: (host) => hosts[host], ...certificate, log });
 * chromium.launch({ args: [`--host-resolver-rules=${edge.resolverRules}`] });
 */
export async function startEdge(options: EdgeOptions): Promise<Edge> {
  const server = createServer({ cert: options.cert, key: options.key }, (req, res) => forward(options, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const address = `127.0.0.1:${port}`;
  return {
    address,
    port,
    resolverRules: PUBLIC_SUFFIXES.map((suffix) => `MAP *.${suffix} ${address}`).join(', '),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function forward(options: EdgeOptions, req: IncomingMessage, res: ServerResponse): void {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const target = host === '' ? undefined : options.route(host, req.headers);
  if (target === undefined) {
    options.log({ kind: 'dropped', source: 'edge', message: `no part of the stage answers for ${host || '(no Host header)'}` });
    res.writeHead(421, { 'content-type': 'text/plain' }).end(`The stage does not serve ${host}\n`);
    return;
  }
  const base = new URL(target);
  const upstream = httpRequest(
    { hostname: base.hostname, port: base.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    options.log({ kind: 'invoke-error', source: 'edge', message: `${req.method ?? 'GET'} https://${host}${(req.url ?? '/').split('?')[0]}: ${error.message}` });
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad gateway\n');
    else res.destroy();
  });
  req.pipe(upstream);
}
