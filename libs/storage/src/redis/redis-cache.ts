import { TimeoutError, ValidationError, type Cache } from '@mediaflow/domain';
import { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { StorageError } from '../errors.js';

/**
 * Where the cache is and how long it may take. Parsed once by the composition root (from the
 * environment), so the cache never reads `process.env` itself.
 *
 * ElastiCache serverless only speaks TLS and only runs in cluster mode: its URL is
 * `rediss://{endpoint}:6379` with `cluster: true`. A local redis-server is `redis://` and standalone.
 *
 * @example
 * const cache = new RedisCache(RedisCacheConfigSchema.parse({ url: env.CACHE_URL, cluster: true }));
 */
export const RedisCacheConfigSchema = z.object({
  /** `redis://[user:password@]host[:port]`, or `rediss://` for TLS. */
  url: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }),
  /** Speak the cluster protocol (follow MOVED/ASK, one connection per shard). ElastiCache serverless needs it. */
  cluster: z.boolean().default(false),
  /**
   * Put in front of every key, so several deployments or apps can share one cache. No braces: a
   * hash tag in the prefix would put every key of the deployment into one slot, one shard.
   */
  keyPrefix: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9:_.-]*$/, 'key prefix may contain letters, digits, ":", "_", "." and "-" only')
    .default('mediaflow:'),
  /** How long opening a connection (TCP and TLS) may take before the attempt is abandoned. */
  connectTimeoutMs: z.number().int().min(10).max(10_000).default(1000),
  /**
   * How long one command may wait for its reply. Short: a cache that answers slower than the
   * database it stands in front of is worse than none, and every caller falls back on failure.
   */
  commandTimeoutMs: z.number().int().min(10).max(5000).default(200),
  /** Resends of a command whose connection dropped before it was answered. */
  maxRetriesPerRequest: z.number().int().min(0).max(5).default(1),
  /** The COUNT hint of each SCAN step in `deleteByPrefix` (keys looked at per round trip). */
  scanCount: z.number().int().min(1).max(10_000).default(500),
});
export type RedisCacheConfig = z.infer<typeof RedisCacheConfigSchema>;
export type RedisCacheConfigInput = z.input<typeof RedisCacheConfigSchema>;

export interface RedisCacheOptions {
  /**
   * Told about connection-level errors (refused, reset, TLS), once per reconnect attempt while the
   * cache is unreachable. Commands fail on their own and reach their callers either way.
   */
  onError?: (error: Error) => void;
}

/** Redis glob patterns treat `*`, `?`, `[`, `]` and `\` specially; a literal prefix escapes them. */
function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, (ch) => `\\${ch}`);
}

/** Reconnect soon after a blip, then every 2 s at most; commands never wait for it (no offline queue). */
function reconnectDelay(attempt: number): number {
  return Math.min(attempt * 100, 2000);
}

/** What every connection (the one of a standalone client, each of a cluster's) is opened with. */
interface ConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls?: object;
  connectTimeout: number;
  commandTimeout: number;
  maxRetriesPerRequest: number;
}

function connectionOptions(config: RedisCacheConfig): ConnectionOptions {
  const url = new URL(config.url);
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 6379 : Number(url.port),
    ...(username === '' ? {} : { username }),
    ...(password === '' ? {} : { password }),
    // An empty object is enough: Node checks the server's certificate against the host name.
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    connectTimeout: config.connectTimeoutMs,
    commandTimeout: config.commandTimeoutMs,
    maxRetriesPerRequest: config.maxRetriesPerRequest,
  };
}

function createClient(config: RedisCacheConfig): Redis | Cluster {
  const { host, port, ...node } = connectionOptions(config);
  if (!config.cluster) {
    return new Redis({
      host,
      port,
      ...node,
      // Without a connection a command fails at once instead of queueing until one comes back:
      // the caller then answers from the database without waiting for the cache.
      enableOfflineQueue: false,
      retryStrategy: reconnectDelay,
    });
  }
  return new Cluster([{ host, port }], {
    redisOptions: node,
    enableOfflineQueue: false,
    clusterRetryStrategy: reconnectDelay,
    // Keep the endpoint's name instead of resolving it: the TLS certificate names the host, and
    // ElastiCache moves the addresses behind it.
    dnsLookup: (address, callback) => callback(null, address),
    slotsRefreshTimeout: config.connectTimeoutMs,
    // A redirect or failover retry adds a round trip each; a few cover a resharding, more would
    // let one command outlive its timeout many times over.
    maxRedirections: 3,
    retryDelayOnFailover: 50,
    retryDelayOnClusterDown: 50,
    retryDelayOnTryAgain: 50,
  });
}

/**
 * The `Cache` port on Redis or Valkey (ElastiCache serverless in the cloud): JSON values under
 * `keyPrefix`, with expiry. Built to fail fast rather than slow a request down: short connect and
 * command timeouts, no offline queue (a command without a connection fails at once), few resends.
 * Callers treat every failure as a miss.
 *
 * Keys are used as given after the prefix. ElastiCache serverless is a cluster: commands over
 * several keys must keep them in one hash slot, so keys that belong together carry a shared hash
 * tag (`owner:{alice}:...`, see `ownerCachePrefix` in the domain). This class only ever sends
 * single-key commands, so it works whatever the keys look like.
 *
 * @example
 * const cache = new RedisCache({ url: 'rediss://my-cache.serverless.use1.cache.amazonaws.com:6379', cluster: true });
 * await cache.ready().catch(report); // optional: without it the first requests may miss
 * const repo = new CachingMediaRepository(dynamoRepo, { cache, onCacheError: report });
 * // on shutdown
 * await cache.close();
 */
export class RedisCache implements Cache {
  readonly config: RedisCacheConfig;
  private readonly client: Redis | Cluster;

  constructor(config: RedisCacheConfigInput, options: RedisCacheOptions = {}) {
    this.config = RedisCacheConfigSchema.parse(config);
    this.client = createClient(this.config);
    // An EventEmitter without an 'error' listener would print each failed reconnect attempt;
    // they are reported where someone asked for them, and commands fail on their own.
    const onError = options.onError;
    this.client.on('error', (error: Error) => onError?.(error));
  }

  /**
   * Resolves once the client can send commands, or rejects after `connectTimeoutMs`. Commands sent
   * before then fail (there is no offline queue), so a process may wait here once at start-up.
   */
  async ready(): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        reject(new TimeoutError(`the cache was not ready within ${this.config.connectTimeoutMs} ms`));
      }, this.config.connectTimeoutMs);
      this.client.once('ready', onReady);
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.client.get(this.key(key));
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch (error) {
      throw new StorageError(`cache entry ${key} is not JSON`, { cause: error });
    }
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    // EX takes whole seconds; rounding here would quietly change what the caller asked for.
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
      throw new ValidationError('a cache TTL must be a whole number of seconds, at least 1', [
        { path: 'ttlSeconds', message: `got ${ttlSeconds}` },
      ]);
    }
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) throw new ValidationError(`cache value for ${key} has no JSON form`);
    await this.client.set(this.key(key), json, 'EX', ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    // UNLINK frees the value in the background; the reply does not wait for large values.
    await this.client.unlink(this.key(key));
  }

  /**
   * SCANs every primary for `{keyPrefix}{prefix}*` and UNLINKs what it finds, a batch per SCAN
   * step, each key on its own (in one pipeline): a multi-key UNLINK over keys in different slots is
   * refused by a cluster. Never KEYS, which blocks the server for the whole keyspace. It still
   * walks the whole keyspace, so it is for maintenance, not for every request.
   */
  async deleteByPrefix(prefix: string): Promise<void> {
    const pattern = `${globLiteral(this.key(prefix))}*`;
    const nodes = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', this.config.scanCount);
        if (keys.length > 0) await unlinkEach(node, keys);
        cursor = next;
      } while (cursor !== '0');
    }
  }

  /** Closes the connection(s) and stops reconnecting. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    if (this.client.status !== 'ready') {
      this.client.disconnect();
      return;
    }
    try {
      await this.client.quit();
    } catch {
      // QUIT is only the polite way out; when the server is gone, dropping the socket is the same.
      this.client.disconnect();
    }
  }

  private key(key: string): string {
    return `${this.config.keyPrefix}${key}`;
  }
}

async function unlinkEach(node: Redis, keys: string[]): Promise<void> {
  const results = (await node.pipeline(keys.map((key) => ['unlink', key])).exec()) ?? [];
  const failed = results.find(([error]) => error !== null);
  if (failed?.[0]) throw new StorageError('cache prefix deletion failed', { cause: failed[0] });
}
