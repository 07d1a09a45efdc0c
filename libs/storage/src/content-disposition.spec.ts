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
});
