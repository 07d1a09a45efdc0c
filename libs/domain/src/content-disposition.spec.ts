import { attachmentDisposition } from './content-disposition.js';

describe('attachmentDisposition', () => {
  it('gives an ASCII fallback and the UTF-8 name', () => {
    expect(attachmentDisposition('Café menu.pdf')).toBe(`attachment; filename="Caf_ menu.pdf"; filename*=UTF-8''Caf%C3%A9%20menu.pdf`);
  });

  it('keeps quotes, backslashes and line breaks out of the header', () => {
    const header = attachmentDisposition('a"b\\c\r\nSet-Cookie: x=1\'(*).txt');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toBe(
      `attachment; filename="a_b_c__Set-Cookie: x=1'(*).txt"; filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x%3D1%27%28%2A%29.txt`,
    );
  });

  it.each([
    ['non-ASCII, one _ per character', 'Ünïcode 😀.png', `attachment; filename="_n_code _.png"; filename*=UTF-8''%C3%9Cn%C3%AFcode%20%F0%9F%98%80.png`],
    ['quotes and backslashes', 'say "hi"\\bye.txt', `attachment; filename="say _hi__bye.txt"; filename*=UTF-8''say%20%22hi%22%5Cbye.txt`],
    ['control characters', 'a\u0000b\tc\u007f.txt', `attachment; filename="a_b_c_.txt"; filename*=UTF-8''a%00b%09c%7F.txt`],
    ['percent signs, which some clients decode in filename', '100% 20%41.pdf', `attachment; filename="100_ 20_41.pdf"; filename*=UTF-8''100%25%2020%2541.pdf`],
    ["RFC 3986 sub-delims that attr-char leaves out: ' ( ) *", "it's (v2)*.pdf", `attachment; filename="it's (v2)*.pdf"; filename*=UTF-8''it%27s%20%28v2%29%2A.pdf`],
    ['attr-char kept as is', "a!#$&+-.^_`|~z", "attachment; filename=\"a!#$&+-.^_`|~z\"; filename*=UTF-8''a!%23%24%26%2B-.%5E_%60%7C~z"],
    ['a lone surrogate, which has no UTF-8 form', 'x\ud800y.txt', `attachment; filename="x_y.txt"; filename*=UTF-8''x%EF%BF%BDy.txt`],
  ])('%s', (_what, name, expected) => {
    expect(attachmentDisposition(name)).toBe(expected);
  });

  it('never lets a name outside printable ASCII into the header', () => {
    for (let code = 0; code < 0x110000; code += 97) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      expect(attachmentDisposition(`n${String.fromCodePoint(code)}.bin`)).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%!#$&+\-.^_`|~]*$/);
    }
  });
});
