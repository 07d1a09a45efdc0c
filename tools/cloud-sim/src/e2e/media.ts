import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/** A JPEG photo-like test image: a gradient with a seed-dependent colour, so each one is new content. */
export async function jpeg(seed: number, width = 640, height = 480): Promise<Buffer> {
  const channels = 3;
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * channels;
      pixels[i] = (x + seed * 37) % 256;
      pixels[i + 1] = (y + seed * 11) % 256;
      pixels[i + 2] = (x + y + seed) % 256;
    }
  }
  return sharp(pixels, { raw: { width, height, channels } }).jpeg({ quality: 85 }).toBuffer();
}

async function ffmpegOutput(ffmpeg: string, name: string, args: string[]): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'mf-sim-media-'));
  try {
    const out = join(dir, name);
    await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', ...args, out]);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A short H.264/AAC MP4 (test pattern and a tone). */
export function mp4(ffmpeg: string, seconds = 3, seed = 0): Promise<Buffer> {
  return ffmpegOutput(ffmpeg, 'clip.mp4', [
    '-f', 'lavfi', '-i', `testsrc=size=320x240:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=${440 + seed}:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-movflags', '+faststart',
  ]);
}

/**
 * A phone-like H.264/AAC MP4 of `width`×`height` at `fps` (a moving pattern and a tone): the 20 s
 * 1080p clip the video function transcodes itself, or a long clip at a tiny size, which costs CI
 * little to make and to transcode but is longer than the function takes.
 */
export function sizedMp4(ffmpeg: string, options: { width: number; height: number; fps: number; seconds: number }): Promise<Buffer> {
  const { width, height, fps, seconds } = options;
  return ffmpegOutput(ffmpeg, 'sized.mp4', [
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', String(fps * 2), '-c:a', 'aac', '-b:a', '64k', '-shortest', '-movflags', '+faststart',
  ]);
}

/** A short WAV tone. */
export function wav(ffmpeg: string, seconds = 3): Promise<Buffer> {
  return ffmpegOutput(ffmpeg, 'tone.wav', ['-f', 'lavfi', '-i', `sine=frequency=523:duration=${seconds}`, '-c:a', 'pcm_s16le']);
}

/** A one-page PDF with a line of text. */
export function pdf(text = 'Mediaflow simulated stage'): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 12 Tf 20 70 Td (${text}) Tj ET`;
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
