import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { FunctionSpec } from '../specs.js';
import type { InvokeResult, SimLog } from '../types.js';

/** How one function's instances are started: everything Lambda puts in a sandbox. */
export interface InstanceLaunch {
  spec: FunctionSpec;
  bootstrap: string;
  node: string;
  /** The whole environment of an instance (the template's variables, Lambda's, the credentials). */
  environment: Record<string, string>;
  logDir: string;
  /** Instances alive at once; further invocations wait for one (a stand-in for throttling). */
  concurrency: number;
  log: SimLog;
}

interface Instance {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  invocations: number;
  pending?: { requestId: string; done: (result: InvokeResult) => void } | undefined;
}

/** `/proc/<pid>` RSS of a process and all its descendants, in MiB (Linux); 0 when unknown. */
export function treeRssMiB(pid: number): number {
  let total = 0;
  const visit = (p: number): void => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const child of children ? children.split(/\s+/) : []) visit(Number(child));
    } catch {
      // The process ended while being measured.
    }
  };
  visit(pid);
  return total;
}

/**
 * The instances of one function. Each is a Node process of the function's runtime running the
 * bundle from `cdk.out` with the template's environment; it serves one invocation at a time and
 * stays warm for the next, like a Lambda sandbox. The template's timeout ends an invocation (and
 * its instance) with `Sandbox.Timedout`; going over the memory size (the instance with every
 * process it started) ends it with `Runtime.OutOfMemory`.
 */
export class FunctionPool {
  private readonly instances = new Set<Instance>();
  private readonly waiting: Array<() => void> = [];
  private readonly logStream: WriteStream;
  private closed = false;
  coldStarts = 0;
  invocations = 0;
  errors = 0;
  peakRssMiB = 0;

  constructor(private readonly launch: InstanceLaunch) {
    mkdirSync(launch.logDir, { recursive: true });
    this.logStream = createWriteStream(join(launch.logDir, `${launch.spec.name}.log`), { flags: 'a' });
  }

  async invoke(event: unknown): Promise<InvokeResult> {
    // A stage shutting down starts no instance: one started now would outlive it.
    if (this.closed) return { error: { errorType: 'ServiceException', errorMessage: `${this.launch.spec.name} is shut down` } };
    let instance: Instance;
    try {
      instance = await this.acquire();
    } catch (error) {
      return { error: { errorType: 'ServiceException', errorMessage: error instanceof Error ? error.message : String(error) } };
    }
    const requestId = randomUUID();
    const { spec } = this.launch;
    const started = Date.now();
    this.invocations += 1;
    this.logStream.write(`START RequestId: ${requestId} Version: $LATEST\n`);
    const result = await new Promise<InvokeResult>((done) => {
      instance.pending = { requestId, done };
      const deadlineMs = started + spec.timeoutSeconds * 1000;
      const timer = setTimeout(() => {
        this.finish(instance, { error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds` } });
        this.kill(instance);
      }, spec.timeoutSeconds * 1000);
      const memory = setInterval(() => {
        const rss = instance.child.pid ? treeRssMiB(instance.child.pid) : 0;
        this.peakRssMiB = Math.max(this.peakRssMiB, rss);
        if (rss > spec.memoryMb) {
          this.finish(instance, { error: { errorType: 'Runtime.OutOfMemory', errorMessage: `Runtime exited with error: signal: killed (used ${Math.round(rss)} of ${spec.memoryMb} MB)` } });
          this.kill(instance);
        }
      }, 250);
      const previous = instance.pending.done;
      instance.pending.done = (r) => {
        clearTimeout(timer);
        clearInterval(memory);
        previous(r);
      };
      instance.ready
        .then(() => instance.child.send({ type: 'invoke', requestId, event, deadlineMs, invokedFunctionArn: spec.arn }))
        .catch((error: unknown) => this.finish(instance, { error: { errorType: 'Runtime.Unknown', errorMessage: String(error) } }));
    });
    const durationMs = Date.now() - started;
    this.logStream.write(`END RequestId: ${requestId}\nREPORT RequestId: ${requestId} Duration: ${durationMs} ms Memory Size: ${spec.memoryMb} MB\n`);
    if (result.error) {
      this.errors += 1;
      this.launch.log({ kind: 'invoke-error', source: spec.name, message: `${result.error.errorType}: ${result.error.errorMessage}` });
    }
    instance.busy = false;
    instance.invocations += 1;
    this.release();
    return { ...result, durationMs };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const instance of this.instances) this.kill(instance);
    for (const wake of this.waiting.splice(0)) wake();
    await new Promise<void>((done) => this.logStream.end(done));
  }

  get size(): number {
    return this.instances.size;
  }

  private async acquire(): Promise<Instance> {
    for (;;) {
      if (this.closed) throw new Error(`${this.launch.spec.name} is shut down`);
      for (const instance of this.instances) {
        if (!instance.busy) {
          instance.busy = true;
          return instance;
        }
      }
      if (this.instances.size < this.launch.concurrency) {
        const instance = this.start();
        instance.busy = true;
        return instance;
      }
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  private release(): void {
    this.waiting.shift()?.();
  }

  private start(): Instance {
    const { spec } = this.launch;
    this.coldStarts += 1;
    const child = fork(this.launch.bootstrap, [], {
      execPath: this.launch.node,
      // Lambda's Node runtime sizes the heap from the function's memory.
      execArgv: [`--max-old-space-size=${Math.max(64, Math.floor(spec.memoryMb * 0.9))}`],
      env: this.launch.environment,
      cwd: spec.codeDir,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    child.stdout?.pipe(this.logStream, { end: false });
    child.stderr?.pipe(this.logStream, { end: false });
    let markReady: () => void = () => undefined;
    let markFailed: (error: Error) => void = () => undefined;
    const ready = new Promise<void>((done, fail) => {
      markReady = done;
      markFailed = fail;
    });
    ready.catch(() => undefined);
    const instance: Instance = { child, ready, busy: false, invocations: 0 };
    this.instances.add(instance);
    const failure = (error: InvokeResult['error']): InvokeResult => ({ error: error ?? { errorType: 'Runtime.Unknown', errorMessage: 'the runtime reported an error without details' } });
    child.on('message', (message: { type: string; requestId?: string; result?: unknown; error?: InvokeResult['error'] }) => {
      if (message.type === 'ready') markReady();
      else if (message.type === 'result' && message.requestId === instance.pending?.requestId) this.finish(instance, { result: message.result });
      else if (message.type === 'error' && message.requestId === instance.pending?.requestId) this.finish(instance, failure(message.error));
      else if (message.type === 'crash') {
        // The sandbox is gone after an uncaught error: no later invocation may land on it.
        this.instances.delete(instance);
        this.finish(instance, failure(message.error));
      }
    });
    child.on('exit', (code, signal) => {
      this.instances.delete(instance);
      markFailed(new Error(`the instance exited (${code ?? signal}) before it was ready`));
      this.finish(instance, { error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${instance.pending?.requestId ?? '-'} Error: Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}` } });
      this.release();
    });
    return instance;
  }

  private finish(instance: Instance, result: InvokeResult): void {
    const pending = instance.pending;
    if (!pending) return;
    instance.pending = undefined;
    pending.done(result);
  }

  private kill(instance: Instance): void {
    this.instances.delete(instance);
    if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill('SIGKILL');
  }
}
