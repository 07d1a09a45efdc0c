import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CachingMediaRepository, TimeoutError, ValidationError, type Tag } from '@mediaflow/domain';
import { cacheContract, InMemoryMediaRepository, makeMediaItem, rejection } from '@mediaflow/domain/testing';
import { Redis } from 'ioredis';
import { StorageError } from '../errors.js';
import { RedisCache, type RedisCacheConfigInput } from './redis-cache.js';

// These tests run against a real Redis server, so they are not part of `npm test`: they run with
// `npx nx run @mediaflow/storage:test:services` (jest.services.config.cts), which fails at once when
// redis-server is missing. The pure parts (configuration) are tested in redis-cache.spec.ts.

/**
 * The server binary these tests start (Debian's `redis-server` package). Each server gets its own
 * free port and temp directory, persists nothing, and is killed when its tests end.
 */
const REDIS_SERVER = 'redis-server';

interface RedisServer {
  port: number;
  url: string;
  /** A plain client for looking at what the cache wrote. */
  admin: Redis;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startRedis(extraArgs: string[] = []): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mf-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs];
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${REDIS_SERVER} did not start within 10 s:\n${output}`)), 10_000);
      const done = (error?: Error): void => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      child.once('error', (error) => done(new Error(`cannot run ${REDIS_SERVER} (apt-get install redis-server)`, { cause: error })));
      child.once('exit', (code) => done(new Error(`${REDIS_SERVER} exited with ${code}:\n${output}`)));
      const watch = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) done();
      };
      child.stdout?.on('data', watch);
      child.stderr?.on('data', watch);
    });
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  child.stdout?.removeAllListeners('data').resume();
  child.stderr?.removeAllListeners('data').resume();
  const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => undefined); // its commands reject on their own
  await admin.connect();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    admin,
    async stop() {
      admin.disconnect();
      child.kill('SIGKILL');
      await exited(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** How often the server has run `command` (INFO commandstats). */
async function calls(admin: Redis, command: string): Promise<number> {
  const info = await admin.info('commandstats');
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

const aiTag = (name: string): Tag => ({ name, confidence: 0.9, source: 'ai' });

/** The server the contract's caches share, started by the first of them; each test starts on an empty one. */
let contractServer: Promise<RedisServer> | undefined;

afterAll(async () => {
  await (await contractServer)?.stop();
});

cacheContract('redis', async () => {
  contractServer ??= startRedis();
  const server = await contractServer;
  await server.admin.flushall();
  const cache = new RedisCache({ url: server.url });
  await cache.ready();
  return {
    cache,
    // Redis expires keys on its own clock: the time has to pass for real.
    advance: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
    close: () => cache.close(),
  };
});

describe('RedisCache', () => {
  let server: RedisServer;
  const caches: RedisCache[] = [];

  async function open(config: Partial<RedisCacheConfigInput> = {}): Promise<RedisCache> {
    const cache = new RedisCache({ url: server.url, ...config });
    caches.push(cache);
    await cache.ready();
    return cache;
  }

  beforeAll(async () => {
    server = await startRedis();
  });

  afterAll(async () => {
    await server.stop();
  });

  beforeEach(async () => {
    await server.admin.flushall();
  });

  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
  });

  it('round-trips JSON values and reports a missing key as undefined', async () => {
    const cache = await open();
    const value = { tags: [{ name: 'dog', count: 3 }], nested: { ok: true, none: null }, text: 'ünïcødé' };
    await cache.set('owner:{alice}:thing', value, 60);
    expect(await cache.get('owner:{alice}:thing')).toEqual(value);
    await cache.set('list', [1, 'two'], 60);
    expect(await cache.get('list')).toEqual([1, 'two']);
    expect(await cache.get('missing')).toBeUndefined();
    await cache.delete('list');
    await cache.delete('list');
    expect(await cache.get('list')).toBeUndefined();
    expect(await server.admin.get('mediaflow:owner:{alice}:thing')).toBe(JSON.stringify(value));
  });

  it('stores each value with its expiry', async () => {
    const cache = await open();
    await cache.set('short', 1, 5);
    await cache.set('long', 1, 3600);
    expect(await server.admin.ttl('mediaflow:short')).toBeGreaterThanOrEqual(4);
    expect(await server.admin.ttl('mediaflow:short')).toBeLessThanOrEqual(5);
    expect(await server.admin.ttl('mediaflow:long')).toBeGreaterThan(3500);
    await expect(cache.set('bad', 1, 0.5)).rejects.toBeInstanceOf(ValidationError);
    await expect(cache.set('bad', undefined, 60)).rejects.toBeInstanceOf(ValidationError);
    expect(await server.admin.exists('mediaflow:bad')).toBe(0);
  });

  it('refuses an entry that is not JSON', async () => {
    const cache = await open();
    await server.admin.set('mediaflow:garbage', '{not json');
    expect(await rejection(cache.get('garbage'))).toBeInstanceOf(StorageError);
  });

  it('deletes by prefix over many SCAN steps, and nothing else', async () => {
    const cache = await open({ scanCount: 10 });
    for (let i = 0; i < 45; i += 1) await cache.set(`owner:{alice}:page:${i}`, i, 60);
    for (let i = 0; i < 10; i += 1) await cache.set(`owner:{alice2}:page:${i}`, i, 60);
    await cache.set('owner:{bob}:page:1', 1, 60);
    await server.admin.set('other-app:owner:{alice}:page:1', '1');
    const scansBefore = await calls(server.admin, 'scan');

    await cache.deleteByPrefix('owner:{alice}:');

    expect(await calls(server.admin, 'scan')).toBeGreaterThan(scansBefore + 1);
    expect(await server.admin.keys('mediaflow:owner:{alice}:*')).toEqual([]);
    expect((await server.admin.keys('mediaflow:owner:{alice2}:*')).length).toBe(10);
    expect(await cache.get('owner:{bob}:page:1')).toBe(1);
    expect(await server.admin.get('other-app:owner:{alice}:page:1')).toBe('1');
  });

  it('takes a prefix literally, glob characters included', async () => {
    const cache = await open();
    await cache.set('a*:1', 1, 60);
    await cache.set('ab:1', 1, 60);
    await cache.set('a?:1', 1, 60);
    await cache.deleteByPrefix('a*');
    expect(await cache.get('a*:1')).toBeUndefined();
    expect(await cache.get('ab:1')).toBe(1);
    expect(await cache.get('a?:1')).toBe(1);
  });

  it('keeps deployments with different key prefixes apart', async () => {
    const a = await open({ keyPrefix: 'app-a:' });
    const b = await open({ keyPrefix: 'app-b:' });
    await a.set('k', 'from a', 60);
    await b.set('k', 'from b', 60);
    expect(await a.get('k')).toBe('from a');
    expect(await b.get('k')).toBe('from b');
    await a.deleteByPrefix('');
    expect(await a.get('k')).toBeUndefined();
    expect(await b.get('k')).toBe('from b');
    await a.set('k', 'again', 60);
    await b.delete('k');
    expect(await a.get('k')).toBe('again');
  });

  it('fails calls at once when the server goes away, without hanging', async () => {
    const doomed = await startRedis();
    const errors: Error[] = [];
    const cache = new RedisCache({ url: doomed.url }, { onError: (error) => errors.push(error) });
    caches.push(cache);
    await cache.ready();
    await cache.set('k', 1, 60);
    await doomed.stop();

    await expect(cache.get('k')).rejects.toThrow();
    await expect(cache.set('k', 2, 60)).rejects.toThrow();
    await expect(cache.delete('k')).rejects.toThrow();
    await expect(cache.deleteByPrefix('')).rejects.toThrow();
    // The reconnect attempts that follow fail too, and are reported.
    for (let wait = 0; errors.length === 0 && wait < 100; wait += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors[0]?.message).toMatch(/ECONNREFUSED/);
  });

  it('fails calls when nothing listens at the address, and says it is not ready', async () => {
    const cache = new RedisCache({ url: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 100 }, { onError: () => undefined });
    caches.push(cache);
    expect(await rejection(cache.ready())).toBeInstanceOf(TimeoutError);
    await expect(cache.get('k')).rejects.toThrow();
    await expect(cache.set('k', 1, 60)).rejects.toThrow();
  });

  it('caches tag counts for CachingMediaRepository, end to end', async () => {
    const inner = new InMemoryMediaRepository();
    const counted = jest.spyOn(inner, 'tagCounts');
    const repo = new CachingMediaRepository(inner, { cache: await open(), ttlSeconds: 30 });
    await repo.create(makeMediaItem({ ownerId: 'alice', tags: [aiTag('dog')] }));

    expect(await repo.tagCounts('alice')).toEqual([{ name: 'dog', count: 1 }]);
    expect(await repo.tagCounts('alice')).toEqual([{ name: 'dog', count: 1 }]);
    expect(await repo.tagCounts('bob')).toEqual([]);
    expect(counted).toHaveBeenCalledTimes(2);
    const key = 'mediaflow:owner:{alice}:tag-counts:v1';
    expect(await server.admin.ttl(key)).toBeGreaterThan(25);

    await repo.create(makeMediaItem({ ownerId: 'alice', tags: [aiTag('cat')] }));
    expect(await server.admin.exists(key)).toBe(0);
    expect(await repo.tagCounts('alice')).toEqual([
      { name: 'cat', count: 1 },
      { name: 'dog', count: 1 },
    ]);
    expect(counted).toHaveBeenCalledTimes(3);
  });

  it('lets CachingMediaRepository answer while the cache is down', async () => {
    const cache = new RedisCache({ url: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 100 }, { onError: () => undefined });
    caches.push(cache);
    const reports: string[] = [];
    const repo = new CachingMediaRepository(new InMemoryMediaRepository(), {
      cache,
      onCacheError: (_error, { operation }) => reports.push(operation),
    });
    await repo.create(makeMediaItem({ ownerId: 'alice', tags: [aiTag('dog')] }));
    expect(await repo.tagCounts('alice')).toEqual([{ name: 'dog', count: 1 }]);
    expect(reports).toEqual(['delete', 'get']);
  });

});

/**
 * ElastiCache serverless runs in cluster mode: a one-node cluster holding all 16,384 slots behaves
 * the same for what matters here (keys spread over slots, cross-slot multi-key commands refused).
 */
describe('RedisCache in cluster mode', () => {
  let server: RedisServer;
  let cache: RedisCache;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-redis-cluster-'));
    server = await startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-announce-ip', '127.0.0.1']);
    const stop = server.stop.bind(server);
    server.stop = async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    };
    await server.admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    for (let attempt = 0; !(await server.admin.call('CLUSTER', 'INFO') as string).includes('cluster_state:ok'); attempt += 1) {
      if (attempt > 100) throw new Error('the cluster did not become ready');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    cache = new RedisCache({ url: server.url, cluster: true, scanCount: 10 });
    await cache.ready();
  });

  afterAll(async () => {
    await cache?.close();
    await server?.stop();
  });

  it('round-trips, expires and deletes by prefix across slots', async () => {
    for (let i = 0; i < 30; i += 1) await cache.set(`page:{owner${i}}:1`, { i }, 60);
    await cache.set('keep:{owner1}:1', 'kept', 60);
    expect(await cache.get('page:{owner7}:1')).toEqual({ i: 7 });
    expect(await server.admin.ttl('mediaflow:page:{owner7}:1')).toBeGreaterThan(55);
    // The server refuses one UNLINK over these keys: they live in different slots.
    await expect(server.admin.unlink('mediaflow:page:{owner1}:1', 'mediaflow:page:{owner2}:1')).rejects.toThrow(/CROSSSLOT/);

    await cache.deleteByPrefix('page:');

    expect(await server.admin.call('DBSIZE')).toBe(1);
    expect(await cache.get('keep:{owner1}:1')).toBe('kept');
  });
});
