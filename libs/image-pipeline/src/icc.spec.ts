import { iccDescription } from './icc.js';

function profile(tagType: 'desc' | 'mluc', text: string): Uint8Array {
  const header = new Uint8Array(128);
  const body: number[] = [];
  const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
  const u32 = (n: number): number[] => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  if (tagType === 'desc') {
    body.push(...ascii('desc'), 0, 0, 0, 0, ...u32(text.length + 1), ...ascii(text), 0);
  } else {
    const utf16 = [...text].flatMap((c) => [0, c.charCodeAt(0)]);
    body.push(...ascii('mluc'), 0, 0, 0, 0, ...u32(1), ...u32(12), ...ascii('enUS'), ...u32(utf16.length), ...u32(28), ...utf16);
  }
  const offset = 128 + 4 + 12;
  const table = [...u32(1), ...ascii('desc'), ...u32(offset), ...u32(body.length)];
  return Uint8Array.from([...header, ...table, ...body]);
}

describe('iccDescription', () => {
  it('reads a v2 desc tag', () => {
    expect(iccDescription(profile('desc', 'sRGB IEC61966-2.1'))).toBe('sRGB IEC61966-2.1');
  });

  it('reads a v4 mluc tag', () => {
    expect(iccDescription(profile('mluc', 'Display P3'))).toBe('Display P3');
  });

  it('gives nothing for missing or short profiles', () => {
    expect(iccDescription(undefined)).toBeUndefined();
    expect(iccDescription(new Uint8Array(40))).toBeUndefined();
  });
});
