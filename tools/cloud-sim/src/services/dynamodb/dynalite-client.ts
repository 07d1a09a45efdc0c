import { Agent, request } from 'node:http';

/** A DynamoDB JSON answer as dynalite gave it. */
export interface DynamoAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type DynamoItem = Record<string, unknown>;

// dynalite only checks that a signature is present, never what it says, so one fixed placeholder
// stands in for re-signing every forwarded call.
const PLACEHOLDER_AUTH = 'AWS4-HMAC-SHA256 Credential=cloudsim/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';

/** Posts DynamoDB JSON 1.0 calls to the dynalite server behind the emulated service. */
export class DynaliteClient {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly url: URL;

  constructor(endpoint: string) {
    this.url = new URL(endpoint);
  }

  /** Sends `body` (already-serialized JSON, or a value to serialize) as the `operation`. */
  send(operation: string, body: Buffer | string | object): Promise<DynamoAnswer> {
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          path: '/',
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': String(payload.length),
            'x-amz-target': `DynamoDB_20120810.${operation}`,
            'x-amz-date': '20200101T000000Z',
            authorization: PLACEHOLDER_AUTH,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
            }
            resolve({ status: res.statusCode ?? 500, headers, body: Buffer.concat(chunks) });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Sends the call and parses the JSON answer; `error` is the `__type`'s short name on a 4xx/5xx. */
  async call(operation: string, input: object): Promise<{ answer: DynamoAnswer; output: DynamoItem; error?: string }> {
    const answer = await this.send(operation, input);
    const output = answer.body.length > 0 ? (JSON.parse(answer.body.toString('utf8')) as DynamoItem) : {};
    if (answer.status < 300) return { answer, output };
    const type = typeof output['__type'] === 'string' ? output['__type'] : 'UnknownError';
    return { answer, output, error: type.slice(type.indexOf('#') + 1) };
  }

  close(): void {
    this.agent.destroy();
  }
}
