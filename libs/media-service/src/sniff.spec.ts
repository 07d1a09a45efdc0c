import { sniff } from './sniff.js';

const b = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p)));
const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + compatible.length * 4;
  return b([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], ...compatible);
};

describe('sniff', () => {
  it.each([
    ['JPEG', b([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), 'image', 'image/jpeg'],
    ['PNG', b([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]), 'image', 'image/png'],
    ['GIF', b('GIF89a'), 'image', 'image/gif'],
    ['WebP', b('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'image', 'image/webp'],
    ['TIFF LE', b('II', [0x2a, 0]), 'image', 'image/tiff'],
    ['TIFF BE', b('MM', [0, 0x2a]), 'image', 'image/tiff'],
    ['AVIF', ftyp('avif', 'mif1', 'miaf'), 'image', 'image/avif'],
    ['AVIF in mif1', ftyp('mif1', 'avif'), 'image', 'image/avif'],
    ['HEIC', ftyp('heic', 'mif1'), 'image', 'image/heic'],
    ['HEIF', ftyp('mif1', 'heic'), 'image', 'image/heif'],
    // Every HEIF brand is an image, as the image pipeline reads it (classifyIsoMedia).
    ['HEIF (MIAF)', ftyp('miaf', 'heic'), 'image', 'image/heif'],
    ['HEIF (mif2)', ftyp('mif2', 'mif1'), 'image', 'image/heif'],
    ['HEIC sequence', ftyp('hevs', 'msf1'), 'image', 'image/heic'],
    ['HEIC multi-view', ftyp('hevm', 'mif1'), 'image', 'image/heic'],
    ['MP4', ftyp('isom', 'iso2', 'avc1', 'mp41'), 'video', 'video/mp4'],
    ['MOV', ftyp('qt  '), 'video', 'video/quicktime'],
    ['M4A', ftyp('M4A ', 'mp42'), 'audio', 'audio/mp4'],
    ['WebM', b([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm'), 'video', 'video/webm'],
    ['MKV', b([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88], 'matroska'), 'video', 'video/x-matroska'],
    ['AVI', b('RIFF', [0, 0, 0, 0], 'AVI LIST'), 'video', 'video/x-msvideo'],
    ['MPEG-TS', b(...[0, 1, 2].map(() => [0x47, 0x40, 0x00, 0x10, ...new Array<number>(184).fill(0xff)])), 'video', 'video/mp2t'],
    ['M2TS (AVCHD .mts)', b(...[0, 1, 2].map((i) => [0x12, 0x34, 0x56, i, 0x47, 0x40, 0x00, 0x10, ...new Array<number>(184).fill(0xff)])), 'video', 'video/mp2t'],
    ['WAV', b('RIFF', [0, 0, 0, 0], 'WAVEfmt '), 'audio', 'audio/wav'],
    ['FLAC', b('fLaC'), 'audio', 'audio/flac'],
    ['Ogg Opus', b('OggS', [0, 2], 'xxxxxxxxxxxxxxxxxxxxxxxx', 'OpusHead'), 'audio', 'audio/ogg; codecs=opus'],
    ['Ogg Vorbis', b('OggS', [0, 2], 'xxxxxxxxxxxxxxxxxxxxxxxx', [1], 'vorbis'), 'audio', 'audio/ogg'],
    ['MP3 with ID3', b('ID3', [4, 0]), 'audio', 'audio/mpeg'],
    ['MP3 frame', b([0xff, 0xfb, 0x90, 0x64]), 'audio', 'audio/mpeg'],
    ['PDF', b('%PDF-1.7'), 'document', 'application/pdf'],
    ['ZIP', b('PK', [3, 4]), 'document', 'application/zip'],
    ['gzip', b([0x1f, 0x8b, 8]), 'document', 'application/gzip'],
    ['plain text', b('Hello, this is a note.\n'), 'document', 'text/plain; charset=utf-8'],
    ['BMP', b('BM', [0, 0]), 'other', 'image/bmp'],
    ['random bytes', b([0x00, 0x13, 0x37, 0xfe, 0xff, 0x00]), 'other', 'application/octet-stream'],
  ])('%s', (_name, bytes, kind, mime) => {
    const result = sniff(bytes);
    expect(result.kind).toBe(kind);
    expect(result.mime).toBe(mime);
    expect(result.rejected).toBeUndefined();
  });

  it.each([
    ['empty', new Uint8Array(0), /empty/],
    ['HTML', b('<!DOCTYPE html><html><body>hi</body></html>'), /HTML/],
    ['HTML after BOM and spaces', b([0xef, 0xbb, 0xbf], '  \n<html>'), /HTML/],
    ['script tag anywhere', b('hello <script>alert(1)</script>'), /HTML/],
    ['SVG', b('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), /SVG/],
    ['SVG behind an XML prolog', b('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'), /SVG/],
    ['XML with an entity', b('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'), /XML/],
    ['shell script', b('#!/bin/sh\nrm -rf /\n'), /scripts/],
    ['HLS playlist', b('#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n'), /playlists/],
    ['ffconcat', b("ffconcat version 1.0\nfile '/etc/passwd'\n"), /concat/],
    ['SDP', b('v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nm=video 1234 RTP/AVP 96\n'), /SDP/],
    ['PostScript', b('%!PS-Adobe-3.0\n'), /PostScript/],
    ['ImageMagick MVG', b('push graphic-context\nviewbox 0 0 640 480\nimage over 0,0 0,0 "https://x/y.jpg"\npop graphic-context\n'), /ImageMagick/],
    ['ELF', b([0x7f], 'ELF', [2, 1, 1]), /executables/],
    ['Windows PE', b('MZ', [0x90, 0]), /executables/],
    ['Mach-O', b([0xcf, 0xfa, 0xed, 0xfe]), /executables/],
    ['WebAssembly', b([0], 'asm', [1, 0, 0, 0]), /executables/],
    ['PHP web shell', b('<?php system($_GET["c"]); ?>\n'), /server-side scripts/],
    ['PHP after a note, upper case', b('Holiday photo\n\n<?PHP\neval($_POST["x"]);\n'), /server-side scripts/],
    ['PHP short echo', b('<?= `$_GET[c]` ?>'), /server-side scripts/],
    ['PHP short tag', b('<? passthru($_GET["c"]); ?>'), /server-side scripts/],
    ['PHP in HTML', b('<html><body><?php echo 1; ?></body></html>'), /server-side scripts/],
    ['PHP in SVG', b('<svg xmlns="http://www.w3.org/2000/svg"><?php system("id"); ?></svg>'), /server-side scripts/],
    ['JSP directive', b('<%@ page import="java.io.*" %>\n'), /server-side scripts/],
    ['JSP scriptlet', b('Report\n<% Runtime.getRuntime().exec(request.getParameter("c")); %>'), /server-side scripts/],
    ['ASP block', b('<%\nResponse.Write(CreateObject("WScript.Shell").Exec(Request("c")).StdOut.ReadAll())\n%>'), /server-side scripts/],
    ['server-side include', b('<!--#exec cmd="id" -->'), /server-side scripts/],
    ['ColdFusion', b('<cfexecute name="cmd.exe" arguments="/c dir">'), /server-side scripts/],
    ['PHP behind a GIF signature', b('GIF89a;<?php system($_GET["c"]); ?>'), /server-side scripts/],
    ['PHP in a JPEG comment', b([0xff, 0xd8, 0xff, 0xfe, 0x00, 0x20], '<?php system($_GET["c"]); ?>'), /server-side scripts/],
    ['PHP in Latin-1 text', b('<?php echo "caf', [0xe9], '"; ?>'), /server-side scripts/],
  ])('rejects %s', (_name, bytes, reason) => {
    const result = sniff(bytes);
    expect(result.rejected).toMatch(reason);
  });

  it.each([
    ['less-than and percent signs', 'Fewer than <5% agreed, more than 20%> last year; is a <? b?\n'],
    ['a percent sign opened and never closed', 'Discount: <% of the price, see notes.\n'],
    ['an email with angle brackets', 'From: Alice <alice@example.com>\nSubject: <cfr> notes?\n\nSee you at 10?\n'],
    ['a mention of PHP', 'I wrote the site in PHP and the form in JSP.\n'],
  ])('keeps plain text with %s', (_name, text) => {
    const result = sniff(b(text));
    expect(result.rejected).toBeUndefined();
    expect(result.mime).toBe('text/plain; charset=utf-8');
  });

  it('keeps an archive that holds PHP sources: archives are kept, never served inline', () => {
    const zip = b('PK', [3, 4, 10, 0, 0, 0, 0, 0], 'index.php', '<?php echo "hello"; ?>');
    expect(sniff(zip)).toMatchObject({ kind: 'document', mime: 'application/zip' });
    expect(sniff(zip).rejected).toBeUndefined();
  });

  it('ignores a misleading name: a PNG is a PNG whatever it is called', () => {
    // sniff never sees a name; this documents that only bytes decide.
    expect(sniff(b([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a])).ext).toBe('png');
  });

  it('copes with a sniffing window that cuts a UTF-8 character in half', () => {
    const text = 'é'.repeat(2048) + 'x';
    const bytes = new TextEncoder().encode(text).subarray(0, 4095);
    expect(sniff(bytes).mime).toBe('text/plain; charset=utf-8');
  });
});
