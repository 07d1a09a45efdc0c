import { SAME_USER, toolIsolationFor, UNPRIVILEGED_ID } from './isolation.js';

describe('toolIsolationFor', () => {
  it('runs the tools as nobody when the server runs as root, and says the server\'s files are out of their reach', () => {
    expect(toolIsolationFor(0)).toMatchObject({ kind: 'user', uid: UNPRIVILEGED_ID, gid: UNPRIVILEGED_ID });
    expect(toolIsolationFor(0).description).toMatch(/uid 65534 and gid 65534, with an empty environment, in private job directories: .* out of their reach/);
    expect(toolIsolationFor(0, { uid: 900, gid: 901 })).toMatchObject({ kind: 'user', uid: 900, gid: 901 });
  });

  it('runs them as the server\'s own user otherwise, and says what that leaves within their reach', () => {
    const own = toolIsolationFor(1000);
    expect(own.kind).toBe('none');
    expect(own.description).toMatch(/this process's user \(uid 1000\), with an empty environment/);
    expect(own.description).toMatch(/nothing keeps a tool that an input takes over from that user's files \(the data directory's secret\.key\)/);
    expect(toolIsolationFor(undefined)).toBe(SAME_USER);
  });
});
