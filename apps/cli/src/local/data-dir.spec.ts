import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { octalMode, secureDataDir } from './data-dir.js';

const modeOf = (dir: string) => statSync(dir).mode & 0o777;

describe('secureDataDir', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mf-datadir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates a missing data directory private to its owner', () => {
    const dir = join(root, 'new', '.mediaflow');
    expect(secureDataDir(dir)).toBeUndefined();
    expect(modeOf(dir)).toBe(0o700);
  });

  it('makes a group- or world-readable data directory private again, and says what it was', () => {
    const dir = join(root, '.mediaflow');
    secureDataDir(dir);
    chmodSync(dir, 0o755);
    expect(secureDataDir(dir)).toBe(0o755);
    expect(modeOf(dir)).toBe(0o700);
    expect(secureDataDir(dir)).toBeUndefined();
    chmodSync(dir, 0o710);
    expect(secureDataDir(dir)).toBe(0o710);
    expect(modeOf(dir)).toBe(0o700);
  });

  it('leaves the modes alone on Windows, where ACLs decide', () => {
    const dir = join(root, '.mediaflow');
    secureDataDir(dir);
    chmodSync(dir, 0o755);
    expect(secureDataDir(dir, 'win32')).toBeUndefined();
  });

  it('spells modes as chmod does', () => {
    expect(octalMode(0o755)).toBe('0755');
    expect(octalMode(0o070)).toBe('0070');
  });
});
