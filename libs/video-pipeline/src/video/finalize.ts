import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { MediaError, type RenderedFile } from '@mediaflow/domain';
import { FFMPEG_MASTER_PLAYLIST, type HlsNaming } from './args.js';
import { contentTypeOf, fileNameOf, MASTER_PLAYLIST, playlistName, segmentName } from './layout.js';
import { AAC_LC_CODEC, avcMainCodec } from './level.js';
import { buildMasterPlaylist, parseMediaPlaylist, reconcileMasterPlaylist, rewriteMediaPlaylist, type MasterVariant } from './playlists.js';
import type { VideoPlan } from './types.js';

const SEGMENT = /^(.+)_(\d{5})\.ts$/;

/**
 * Turns the HLS muxer's output into the rendition layout (`hls/720p.m3u8`, `hls/720p_00001.ts`,
 * `hls/master.m3u8`, every URI relative to the playlist that holds it) and returns the files, with
 * bitrates measured from the segments.
 *
 * `named` output is already laid out: its segments are checked against the plan and ffmpeg's master
 * playlist is kept where it is right (`reconcileMasterPlaylist`). `indexed` output (`hls/0.m3u8`,
 * `hls/0_00001.ts`) is renamed, and the master playlist written from the measurements.
 */
export async function finalizeHls(plan: VideoPlan, outDir: string, naming: HlsNaming): Promise<RenderedFile[]> {
  const files: RenderedFile[] = [];
  const variants: MasterVariant[] = [];
  for (const [index, rung] of plan.rungs.entries()) {
    const muxerName = naming === 'named' ? rung.name : String(index);
    const writtenPlaylist = join(outDir, 'hls', `${muxerName}.m3u8`);
    const text = await readFile(writtenPlaylist, 'utf8');
    const segments = parseMediaPlaylist(text);
    if (segments.length === 0) throw new MediaError('internal', `ffmpeg wrote no segments for ${rung.name}`);

    const renamed = new Map<string, string>();
    let totalBits = 0;
    let totalSeconds = 0;
    let peak = 0;
    for (const segment of segments) {
      const match = SEGMENT.exec(basename(segment.uri));
      if (!match || match[1] !== muxerName || segment.uri !== basename(segment.uri)) {
        throw new MediaError('internal', `unexpected segment ${segment.uri} in ${rung.name}`);
      }
      const name = segmentName(rung.name, Number(match[2]));
      const target = join(outDir, fileNameOf(name, 'ts'));
      if (naming === 'indexed') await rename(join(outDir, 'hls', segment.uri), target);
      const bits = (await stat(target)).size * 8;
      totalBits += bits;
      totalSeconds += segment.durationSeconds;
      // A very short last segment says little about the peak; it still counts when it is the only one.
      if (segment.durationSeconds >= 0.5 || segments.length === 1) peak = Math.max(peak, bits / Math.max(segment.durationSeconds, 0.001));
      renamed.set(segment.uri, basename(target));
      files.push({ name, format: 'ts', contentType: contentTypeOf('ts'), path: target, listed: false, durationSeconds: segment.durationSeconds });
    }

    const playlist = playlistName(rung.name);
    const playlistPath = join(outDir, fileNameOf(playlist, 'm3u8'));
    if (naming === 'indexed') {
      await writeFile(playlistPath, rewriteMediaPlaylist(text, (uri) => renamed.get(uri) ?? uri));
      await rm(writtenPlaylist, { force: true });
    }
    const average = Math.round(totalBits / Math.max(totalSeconds, 0.001));
    files.push({
      name: playlist,
      format: 'm3u8',
      contentType: contentTypeOf('m3u8'),
      path: playlistPath,
      width: rung.width,
      height: rung.height,
      bitrate: Math.max(1, average),
      durationSeconds: Math.round(totalSeconds * 1000) / 1000,
    });
    variants.push({
      uri: basename(playlistPath),
      bandwidth: Math.max(1, Math.ceil(peak)),
      averageBandwidth: Math.max(1, average),
      width: rung.width,
      height: rung.height,
      frameRate: plan.frameRate,
      codecs: plan.hasAudio ? [avcMainCodec(rung.level), AAC_LC_CODEC] : [avcMainCodec(rung.level)],
    });
  }

  const masterPath = join(outDir, fileNameOf(MASTER_PLAYLIST, 'm3u8'));
  if (naming === 'named') {
    const written = join(outDir, 'hls', FFMPEG_MASTER_PLAYLIST);
    const { text } = reconcileMasterPlaylist(await readFile(written, 'utf8'), variants);
    await writeFile(masterPath, text);
  } else {
    await writeFile(masterPath, buildMasterPlaylist(variants));
  }
  files.unshift({ name: MASTER_PLAYLIST, format: 'm3u8', contentType: contentTypeOf('m3u8'), path: masterPath, durationSeconds: plan.durationSeconds });
  return files;
}
