/**
 * What an ISO base media file (MP4, MOV, HEIF, AVIF, M4A, 3GP, CR3) is, from the brands of its
 * `ftyp` box. One decision for every sniffer: the ingest's (which kind of item) and the image
 * pipeline's (which decoder) must never disagree about the same bytes.
 */
export type IsoMediaType = 'avif' | 'heic' | 'heif' | 'mov' | 'm4a' | '3gp' | 'cr3' | 'mp4';

/** HEVC-coded HEIF brands: still images, image collections and sequences (ISO/IEC 23008-12). */
const HEIC_BRANDS: readonly string[] = ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs'];
/** Brands of HEIF and MIAF whatever the codec: images, whose codec a compatible brand may name. */
const HEIF_BRANDS: readonly string[] = ['mif1', 'msf1', 'mif2', 'miaf'];
const AVIF_BRANDS: readonly string[] = ['avif', 'avis'];

const ascii = (bytes: Uint8Array, start: number, length: number): string => String.fromCharCode(...bytes.subarray(start, start + length));

/**
 * The major brand then the compatible brands of a leading `ftyp` box (at most the first 64 bytes
 * of it), or `undefined` when the bytes do not start with one.
 */
export function ftypBrands(bytes: Uint8Array): string[] | undefined {
  if (bytes.length < 12 || ascii(bytes, 4, 4) !== 'ftyp') return undefined;
  const boxSize = (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
  const brands = [ascii(bytes, 8, 4)];
  for (let offset = 16; offset + 4 <= Math.min(boxSize, 64, bytes.length); offset += 4) brands.push(ascii(bytes, offset, 4));
  return brands;
}

/**
 * Classifies by the major brand, the way players do: an AVIF or HEIC major brand is that image; a
 * HEIF/MIAF major brand is an image, AVIF when a compatible brand says AV1 and HEIF otherwise (the
 * HEVC brands included: every HEIF brand is an image, never a video); QuickTime, iTunes audio,
 * 3GPP and Canon raw by theirs; anything else is an MP4 video.
 *
 * @example
 * classifyIsoMedia(['mif1', 'heic']); // 'heif'
 * classifyIsoMedia(['isom', 'avc1']); // 'mp4'
 */
export function classifyIsoMedia(brands: readonly string[]): IsoMediaType {
  const major = brands[0] ?? '';
  if (AVIF_BRANDS.includes(major)) return 'avif';
  if (HEIC_BRANDS.includes(major)) return 'heic';
  if (HEIF_BRANDS.includes(major)) return brands.some((b) => AVIF_BRANDS.includes(b)) ? 'avif' : 'heif';
  if (major === 'qt  ') return 'mov';
  if (['M4A ', 'M4B ', 'M4P '].includes(major)) return 'm4a';
  if (major.startsWith('3g')) return '3gp';
  if (major === 'crx ') return 'cr3';
  return 'mp4';
}
