import { DECODERS } from '../ffmpeg/components.js';
import { buildEncodeArgs, buildPreviewRemuxArgs, filterGraph } from './args.js';
import { planLadder } from './ladder.js';

const input = { url: 'file:/data/in/clip.mov', demuxer: 'mov', demuxers: ['mov', 'matroska'] };
const plan = planLadder({ width: 1280, height: 720, frameRate: 30, durationSeconds: 20, audioCodec: 'aac' });

/** The value after each occurrence of `flag`. */
function values(args: readonly string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1] ?? ''] : []));
}

describe('buildEncodeArgs', () => {
  const args = buildEncodeArgs(plan, input, '/out', { progress: true });

  it('reads the input only through the allow-lists, pinned to the probed demuxer', () => {
    const i = args.indexOf('-i');
    expect(args.slice(i - 8, i + 2)).toEqual([
      '-protocol_whitelist', 'file', '-format_whitelist', 'mov,matroska', '-codec_whitelist', DECODERS.join(','), '-f', 'mov', '-i', 'file:/data/in/clip.mov',
    ]);
    expect(args).toContain('-nostdin');
    expect(values(args, '-progress')).toEqual(['pipe:1']);
  });

  it('decodes once and splits into every rung, the poster and the thumbnails', () => {
    const graph = values(args, '-filter_complex')[0] ?? '';
    expect(graph.startsWith('[0:v]fps=30,split=6[s0][s1][s2][s3][s4][s5];')).toBe(true);
    expect(graph).toContain('[s0]scale=1280:720:flags=bicubic,setsar=1,format=yuv420p[v0]');
    expect(graph).toContain('[s3]scale=426:240:flags=bicubic,setsar=1,format=yuv420p[v3]');
    expect(graph).toContain(`[s4]select=eq(n\\,${plan.poster.frame}),scale=1280:720`);
    expect(graph).toContain(`select=${plan.thumbnails.map((t) => `eq(n\\,${t.frame})`).join('+')},scale=320:180`);
    expect(values(args, '-map')).toEqual(['[v0]', '0:a:0', '[v1]', '0:a:0', '[v2]', '0:a:0', '[v3]', '0:a:0', '[vposter]', '[vthumbs]']);
  });

  it('encodes H.264 Main with one keyframe per 6 s segment and no scene-cut keyframes', () => {
    expect(values(args, '-c:v')).toEqual(['libx264']);
    expect(values(args, '-profile:v')).toEqual(['main']);
    expect(values(args, '-pix_fmt')).toEqual(['yuv420p']);
    expect(values(args, '-preset')).toEqual(['veryfast']);
    expect(values(args, '-g')).toEqual(['180']);
    expect(values(args, '-keyint_min')).toEqual(['180']);
    expect(values(args, '-sc_threshold')).toEqual(['0']);
    expect(values(args, '-force_key_frames')).toEqual(['expr:gte(t,n_forced*6)']);
    expect(values(args, '-maxrate:v:0')).toEqual(['4000k']);
    expect(values(args, '-bufsize:v:0')).toEqual(['8000k']);
    expect(values(args, '-level:v:3')).toEqual(['3.0']);
    expect(values(args, '-b:a:0')).toEqual(['128k']);
    expect(values(args, '-b:a:3')).toEqual(['64k']);
  });

  it('writes HLS VOD playlists and numbered segments per variant, named by rung, with the master playlist', () => {
    expect(values(args, '-f')).toEqual(['mov', 'hls', 'image2', 'image2']);
    expect(values(args, '-hls_time')).toEqual(['6']);
    expect(values(args, '-hls_playlist_type')).toEqual(['vod']);
    expect(values(args, '-hls_segment_filename')).toEqual(['file:/out/hls/%v_%05d.ts']);
    expect(values(args, '-var_stream_map')).toEqual(['v:0,a:0,name:720p v:1,a:1,name:540p v:2,a:2,name:360p v:3,a:3,name:240p']);
    expect(values(args, '-master_pl_name')).toEqual(['master.m3u8']);
    expect(args).toContain('file:/out/hls/%v.m3u8');
    expect(args.slice(-1)).toEqual(['file:/out/thumbs/%02d.jpeg']);
  });

  it('leaves naming and the master playlist to the runner on a build that cannot do them', () => {
    const indexed = buildEncodeArgs(plan, input, '/out', { hls: 'indexed' });
    expect(values(indexed, '-var_stream_map')).toEqual(['v:0,a:0 v:1,a:1 v:2,a:2 v:3,a:3']);
    expect(indexed).not.toContain('-master_pl_name');
    expect(values(indexed, '-hls_segment_filename')).toEqual(['file:/out/hls/%v_%05d.ts']);
  });

  it('leaves audio out for a silent source', () => {
    const silent = buildEncodeArgs(planLadder({ width: 640, height: 360, frameRate: 25, durationSeconds: 3 }), input, '/out');
    expect(silent).not.toContain('0:a:0');
    expect(silent).not.toContain('-c:a');
    expect(values(silent, '-var_stream_map')).toEqual(['v:0,name:360p v:1,name:240p']);
  });

  it('adds the preview as one more encode when asked', () => {
    const withPreview = buildEncodeArgs(plan, input, '/out', { preview: true });
    expect(values(withPreview, '-filter_complex')[0]).toContain('[vpreview]');
    expect(values(withPreview, '-movflags')).toEqual(['+faststart']);
    expect(withPreview).toContain('file:/out/preview.mp4');
  });

  it('uses the plan frame rate as the constant output rate', () => {
    const vfr = planLadder({ width: 640, height: 360, frameRate: 23.976, durationSeconds: 3 });
    expect(filterGraph(vfr, { preview: false }).startsWith('[0:v]fps=23.976,')).toBe(true);
  });
});

describe('buildPreviewRemuxArgs', () => {
  it('copies the preview rung into a fast-start MP4 without re-encoding', () => {
    const args = buildPreviewRemuxArgs(plan, '/out', 'hls/720p.m3u8');
    expect(args).toEqual(expect.arrayContaining(['-protocol_whitelist', 'file', '-f', 'hls', '-i', 'file:/out/hls/720p.m3u8']));
    expect(values(args, '-c')).toEqual(['copy']);
    expect(values(args, '-bsf:a')).toEqual(['aac_adtstoasc']);
    expect(values(args, '-movflags')).toEqual(['+faststart']);
    expect(args.at(-1)).toBe('file:/out/preview.mp4');
  });
});
