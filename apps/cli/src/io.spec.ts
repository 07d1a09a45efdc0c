import { processIo } from './io.js';

describe('processIo', () => {
  it('keeps the process alive when stderr\u2019s reader has gone away (EPIPE): the lines are lost, the work goes on', () => {
    const before = process.stderr.listenerCount('error');
    processIo.stderr('');
    // A closed pipe's write error, as the stream reports it: unheard, emitting it would throw.
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    expect(() => process.stderr.emit('error', epipe)).not.toThrow();
    expect(process.stderr.listenerCount('error')).toBe(before === 0 ? 1 : before + 1);
    // Heard once, however many lines are written.
    processIo.stderr('');
    expect(process.stderr.listenerCount('error')).toBe(before === 0 ? 1 : before + 1);
  });
});
