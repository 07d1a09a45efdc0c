import fc from 'fast-check';
import { MediaKindSchema } from '@mediaflow/domain';
import { sniff, SNIFF_BYTES } from './sniff.js';

// Property tests of content sniffing, the first thing that reads an upload's bytes: it must answer
// every input, however short, long or crafted, with a kind and never throw.

/** Leading bytes of the formats sniffing knows, and of the ones it must refuse. */
const SIGNATURES: readonly number[][] = [
  [0xff, 0xd8, 0xff],
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  [...Buffer.from('GIF89a')],
  [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBP')],
  [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WAVE')],
  [0, 0, 0, 0x18, ...Buffer.from('ftypisom')],
  [0, 0, 0, 0x1c, ...Buffer.from('ftypavif')],
  [0x1a, 0x45, 0xdf, 0xa3],
  [...Buffer.from('ID3')],
  [...Buffer.from('fLaC')],
  [...Buffer.from('OggS')],
  [...Buffer.from('%PDF-')],
  [0x50, 0x4b, 0x03, 0x04],
  [0x7f, 0x45, 0x4c, 0x46],
  [...Buffer.from('MZ')],
  [...Buffer.from('#!/bin/sh')],
  [...Buffer.from('<svg')],
  [...Buffer.from('<!DOCTYPE html')],
  [...Buffer.from('#EXTM3U')],
  [...Buffer.from('%!PS')],
  [...Buffer.from('push graphic-context')],
  [...Buffer.from('<?php')],
  [...Buffer.from('<%@')],
];

/** Signatures of the image formats, behind which a PHP shell hides in the classic polyglots. */
const IMAGE_SIGNATURES: readonly number[][] = SIGNATURES.filter((signature) => sniff(Uint8Array.from(signature)).kind === 'image');

/** Markers of server-side scripts (PHP, JSP, ASP, SSI, ColdFusion) that no prose or page needs. */
const SERVER_MARKERS = ['<?php ', '<?PHP\n', '<?= ', '<? x ?>', '<%@ page %>', '<% x %>', '<%= x %>', '<!--#exec cmd="id" -->', '<cfscript>'];

/** Text from an alphabet, as long as `maxLength` at times (the markers must be found deep in the window). */
const prose = (alphabet: string, maxLength: number) => fc.string({ unit: fc.constantFrom(...alphabet), maxLength, size: 'max' });

const kinds = new Set(MediaKindSchema.options);

function expectAnswer(bytes: Uint8Array): void {
  const result = sniff(bytes);
  expect(kinds.has(result.kind)).toBe(true);
  expect(result.mime).toMatch(/^[a-z]+\/[a-z0-9.+-]+(; ?[a-z-]+=[a-z0-9-]+)*$/i);
  if (result.rejected !== undefined) expect(result.rejected.length).toBeGreaterThan(0);
}

describe('sniff', () => {
  it('answers any bytes with a known kind and never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: SNIFF_BYTES * 2 }), (bytes) => expectAnswer(bytes)),
      { numRuns: 3000 },
    );
  });

  it('answers every known signature followed by anything, and each of its truncations', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SIGNATURES), fc.uint8Array({ maxLength: 64 }), fc.nat(), (signature, rest, cut) => {
        const whole = Uint8Array.from([...signature, ...rest]);
        expectAnswer(whole);
        expectAnswer(whole.subarray(0, cut % (whole.length + 1)));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses a server-side script marker wherever it sits in text', () => {
    fc.assert(
      fc.property(prose('abcdefghijklmnopqrstuvwxyz ABC,.;:?0123456789%\n', 1500), fc.constantFrom(...SERVER_MARKERS), prose('abc xyz\n', 1500), (before, marker, after) => {
        expect(sniff(Buffer.from(before + marker + after)).rejected).toMatch(/server-side scripts/);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a PHP open tag behind an image signature anywhere in the window', () => {
    fc.assert(
      fc.property(fc.constantFrom(...IMAGE_SIGNATURES), fc.uint8Array({ maxLength: SNIFF_BYTES - 64, size: 'max' }), fc.constantFrom('<?php ', '<?Php\n'), (signature, filler, tag) => {
        const bytes = Uint8Array.from([...signature, ...filler, ...Buffer.from(tag)]);
        expect(sniff(bytes).rejected).toMatch(/server-side scripts/);
      }),
      { numRuns: 300 },
    );
  });

  // No `>`, `=`, `@`, `#` or `c`: nothing here can close a block or complete a marker.
  it('leaves prose with lone "<", "%" and "?" alone', () => {
    fc.assert(
      fc.property(prose('abdegijkmnoqruvwxyz ABC,.;:0123456789<%?\n', 2000), (text) => {
        expect(sniff(Buffer.from(text)).rejected ?? '').not.toMatch(/server-side/);
      }),
      { numRuns: 1000 },
    );
  });

  it('decides on the first SNIFF_BYTES only: what follows never changes the answer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: SNIFF_BYTES, maxLength: SNIFF_BYTES }), fc.uint8Array({ minLength: 1, maxLength: 256 }), (head, tail) => {
        expect(sniff(Uint8Array.from([...head, ...tail]))).toEqual(sniff(head));
      }),
      { numRuns: 300 },
    );
  });
});
