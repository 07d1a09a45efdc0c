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

  it('exits 2 without a command or with an unknown one', async () => {
    const none = captureIo();
    expect(await main([], none)).toBe(2);
    expect(none.err()).toContain('Usage: mediaflow');
    const unknown = captureIo();
    expect(await main(['fly'], unknown)).toBe(2);
    expect(unknown.err()).toContain('unknown command "fly"');
  });
});
