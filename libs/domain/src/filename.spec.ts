import { MAX_DISPLAY_NAME_LENGTH, sanitizeDisplayName } from './filename.js';

describe('sanitizeDisplayName', () => {
  it.each([
    ['holiday.jpg', 'holiday.jpg'],
    ['../../x', 'x'],
    ['..\\x', 'x'],
    ['..\\..\\windows\\system32\\evil.dll', 'evil.dll'],
    ['/etc/passwd', 'passwd'],
    ['C:\\Users\\me\\Pictures\\cat.png', 'cat.png'],
    // Fullwidth full stop (U+FF0E) and solidus (U+FF0F) become "." and "/" under NFKC, then path parts go.
    ['\uff0e\uff0e\uff0fsecret\uff0fx.png', 'x.png'],
    ['\uff0e\uff0e', 'untitled'],
    // Right-to-left override would show "photo\u202Egpj.exe" as "photoexe.jpg".
    ['photo\u202Egpj.exe', 'photogpj.exe'],
    ['a\u2066b\u2069c\u200bd\ufeff.png', 'abcd.png'],
    ['line1\r\nline2.txt', 'line1line2.txt'],
    ['nul\u0000byte.png', 'nulbyte.png'],
    ['bell\u0007\u009b.png', 'bell.png'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['LPT1.jpg', '_LPT1.jpg'],
    ['console.txt', 'console.txt'],
    ['trailing dots...', 'trailing dots'],
    ['trailing space.jpg   ', 'trailing space.jpg'],
    ['.hidden', 'hidden'],
    ['...', 'untitled'],
    ['', 'untitled'],
    ['   ', 'untitled'],
    ['/', 'untitled'],
    ['a<b>c:d"e|f?g*h.png', 'a_b_c_d_e_f_g_h.png'],
    ['tab\tand  spaces.png', 'tabandspaces.png'.replace('andspaces', 'and spaces')],
    ['日本語のファイル.jpg', '日本語のファイル.jpg'],
    ['emoji 📷.heic', 'emoji 📷.heic'],
  ])('%j -> %j', (input, expected) => {
    expect(sanitizeDisplayName(input)).toBe(expected);
  });

  it('caps a 300-character name and keeps its extension', () => {
    const name = sanitizeDisplayName(`${'a'.repeat(296)}.jpeg`);
    expect(name.length).toBe(MAX_DISPLAY_NAME_LENGTH);
    expect(name.endsWith('.jpeg')).toBe(true);
  });

  it('caps a long name without an extension', () => {
    expect(sanitizeDisplayName('b'.repeat(300))).toBe('b'.repeat(MAX_DISPLAY_NAME_LENGTH));
  });

  it('makes a lone surrogate a replacement character, and keeps a whole pair', () => {
    expect(sanitizeDisplayName('a\uD800b.jpg')).toBe('a\uFFFDb.jpg');
    expect(sanitizeDisplayName('\uDC00x.jpg')).toBe('\uFFFDx.jpg');
    expect(sanitizeDisplayName('\u{1F600}.jpg')).toBe('\u{1F600}.jpg');
  });

  it('never splits a surrogate pair when capping', () => {
    const name = sanitizeDisplayName('📷'.repeat(300));
    expect(Array.from(name)).toHaveLength(MAX_DISPLAY_NAME_LENGTH);
    // A lone surrogate would not survive a UTF-8 round trip.
    expect(Buffer.from(name, 'utf8').toString('utf8')).toBe(name);
  });

  it('returns names free of separators, controls and bidi characters whatever the input', () => {
    const nasty = ['\\', '/', '\u0000', '\u202e', '\u2067', '\r', '\n', '\uff0f', '\uff3c', 'a', '.', ' '];
    for (let i = 0; i < 500; i += 1) {
      let raw = '';
      for (let j = 0; j < 12; j += 1) raw += nasty[(i * 7 + j * 13 + ((i * j) % 5)) % nasty.length];
      const out = sanitizeDisplayName(raw);
      // eslint-disable-next-line no-control-regex -- checks that no control character survives
      expect(out).not.toMatch(/[\\/\u0000-\u001f\u202a-\u202e\u2066-\u2069]/u);
      expect(out.startsWith('.')).toBe(false);
      expect(out.length).toBeGreaterThan(0);
    }
  });
});
