import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionSpec } from '../specs.js';
import { bootstrapPath } from '../runtime-paths.js';
import type { SimEvent } from '../types.js';
import { FunctionPool } from './function-pool.js';

const HANDLER = `
let calls = 0;
export const handler = async (event, context) => {
  calls += 1;
  if (event.mode === 'throw') { const e = new TypeError('bad input'); throw e; }
  if (event.mode === 'sleep') await new Promise((r) => setTimeout(r, 5000));
  if (event.mode === 'exit') process.exit(3);
  if (event.mode === 'reject') { Promise.reject(new Error('forgotten')); await new Promise((r) => setTimeout(r, 200)); }
  return { calls, env: process.env.GREETING, name: context.functionName, remaining: context.getRemainingTimeInMillis() > 0, event };
};
`;

describe('FunctionPool', () => {
  let dir: string;
  let pool: FunctionPool;
  const events: SimEvent[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-sim-fn-'));
    mkdirSync(join(dir, 'code'));
    writeFileSync(join(dir, 'code/index.mjs'), HANDLER);
    const spec: FunctionSpec = {
      logicalId: 'Echo',
      name: 'echo',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:echo',
      handler: 'index.handler',
      runtime: 'nodejs24.x',
      architectures: ['arm64'],
      memoryMb: 256,
      timeoutSeconds: 1,
      environment: { GREETING: 'hello' },
      roleArn: 'arn:aws:iam::123456789012:role/echo',
      layers: [],
      codeDir: join(dir, 'code'),
      logGroup: '/aws/lambda/echo',
      tracing: false,
      permissions: [],
    };
    pool = new FunctionPool({
      spec,
      bootstrap: bootstrapPath(),
      node: process.execPath,
      environment: { PATH: process.env.PATH ?? '', GREETING: 'hello', LAMBDA_TASK_ROOT: join(dir, 'code'), _HANDLER: 'index.handler', AWS_LAMBDA_FUNCTION_NAME: 'echo' },
      logDir: join(dir, 'logs'),
      concurrency: 2,
      log: (e) => events.push(e),
    });
  });

  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the handler with its environment and context, and keeps the instance warm', async () => {
    const first = await pool.invoke({ mode: 'ok', n: 1 });
    const second = await pool.invoke({ mode: 'ok', n: 2 });
    expect(first.result).toEqual({ calls: 1, env: 'hello', name: 'echo', remaining: true, event: { mode: 'ok', n: 1 } });
    expect((second.result as { calls: number }).calls).toBe(2);
    expect(pool.coldStarts).toBe(1);
  });

  it('reports a thrown error in the runtime shape', async () => {
    const { error } = await pool.invoke({ mode: 'throw' });
    expect(error).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    expect(events.some((e) => e.kind === 'invoke-error' && e.message.includes('bad input'))).toBe(true);
  });

  it('ends an invocation past the timeout and starts a fresh instance next time', async () => {
    const { error } = await pool.invoke({ mode: 'sleep' });
    expect(error).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
    const after = await pool.invoke({ mode: 'ok' });
    expect((after.result as { calls: number }).calls).toBe(1);
  });

  it('reports an instance that exits and an unhandled rejection', async () => {
    expect((await pool.invoke({ mode: 'exit' })).error?.errorType).toBe('Runtime.ExitError');
    expect((await pool.invoke({ mode: 'reject' })).error?.errorType).toBe('Runtime.UnhandledPromiseRejection');
    expect((await pool.invoke({ mode: 'ok' })).result).toBeDefined();
  });

  it('writes START/END/REPORT lines and the function output to its log', async () => {
    const log = readFileSync(join(dir, 'logs/echo.log'), 'utf8');
    expect(log).toMatch(/START RequestId: [0-9a-f-]{36} Version: \$LATEST/);
    expect(log).toMatch(/REPORT RequestId: .* Memory Size: 256 MB/);
  });

  it('starts no instance once closed, so nothing outlives the stage', async () => {
    await pool.close();
    const { error } = await pool.invoke({ mode: 'ok' });
    expect(error).toEqual({ errorType: 'ServiceException', errorMessage: 'echo is shut down' });
    expect(pool.size).toBe(0);
  });
});
