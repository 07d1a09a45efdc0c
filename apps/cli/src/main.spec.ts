import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, main } from './main.js';
import { captureIo } from './testing.js';

describe('mediaflow dispatcher', () => {
  it('runs a command by name', async () => {
    const io = captureIo();
    expect(await main(['cost', '--months', '0'], io)).toBe(0);
    expect(io.out()).toContain('Total');
  });

  it('lists the commands for help', async () => {
    const io = captureIo();
    expect(await main(['help'], io)).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(io.out()).toContain(name);
  });

  it('lists the exit codes in --help', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/Exit codes:\n {2}0 +done\n {2}1 +failed.*\n {2}2 +bad usage/);
    expect(io.out()).toContain('-V, --version');
  });

  it('lists the exit codes of the commands that have their own in their --help', async () => {
    for (const [name, code1] of [
      ['ingest', /\n {2}1 +one or more files failed/],
      ['serve', /\n {2}1 +could not start/],
    ] as const) {
      const io = captureIo();
      expect(await main([name, '--help'], io)).toBe(0);
      expect(io.out()).toMatch(/\nExit codes:\n {2}0 /);
      expect(io.out()).toMatch(code1);
      expect(io.out()).toMatch(/\n {2}2 +bad usage/);
    }
  });

  it('lists exit codes in the --help of every command', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const io = captureIo();
      expect([name, await main([name, '--help'], io)]).toEqual([name, 0]);
      expect([name, /Exit codes:/.test(io.out())]).toEqual([name, true]);
    }
  });

  it('prints the version of its package.json for --version and -V', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      const io = captureIo();
      expect(await main([flag], io)).toBe(0);
      expect({ flag, out: io.out(), err: io.err() }).toEqual({ flag, out: `${version}\n`, err: '' });
    }
  });

  it('exits 2 without a command or with an unknown one', async () => {
    const none = captureIo();
    expect(await main([], none)).toBe(2);
    expect(none.err()).toContain('Usage: mediaflow');
    const unknown = captureIo();
    expect(await main(['fly'], unknown)).toBe(2);
    expect(unknown.err()).toContain('unknown command "fly"');
  });
});
