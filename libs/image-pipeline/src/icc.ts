/**
 * Reads the human-readable description of an ICC profile ("sRGB IEC61966-2.1", "Display P3",
 * "U.S. Web Coated (SWOP) v2"): v2 `desc` (ASCII) and v4 `mluc` (UTF-16) tags. Returns
 * `undefined` for anything it cannot read; a profile is information here, never a reason to fail.
 *
 * @example
 * iccDescription(metadata.icc); // 'Display P3'
 */
export function iccDescription(profile: Uint8Array | undefined): string | undefined {
  if (profile === undefined || profile.length < 132) return undefined;
  const view = new DataView(profile.buffer, profile.byteOffset, profile.byteLength);
  const tagCount = view.getUint32(128);
  for (let t = 0; t < Math.min(tagCount, 1000); t++) {
    const entry = 132 + t * 12;
    if (entry + 12 > profile.length) return undefined;
    if (ascii(profile, entry, 4) !== 'desc') continue;
    const offset = view.getUint32(entry + 4);
    const size = view.getUint32(entry + 8);
    if (offset + Math.min(size, 12) > profile.length || size < 12) return undefined;
    const type = ascii(profile, offset, 4);
    if (type === 'desc') {
      const length = view.getUint32(offset + 8);
      return clean(ascii(profile, offset + 12, Math.min(length, profile.length - offset - 12)));
    }
    if (type === 'mluc' && offset + 28 <= profile.length) {
      const length = view.getUint32(offset + 20);
      const start = offset + view.getUint32(offset + 24);
      let out = '';
      for (let i = start; i + 1 < Math.min(start + length, profile.length); i += 2) out += String.fromCharCode(view.getUint16(i));
      return clean(out);
    }
    return undefined;
  }
  return undefined;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let out = '';
  for (let i = start; i < start + length && i < bytes.length; i++) out += String.fromCharCode(bytes[i] ?? 0);
  return out;
}

function clean(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u001f]/g, '').trim();
  return text.length === 0 ? undefined : text.slice(0, 128);
}
