import { RenditionNameSchema, UnsupportedMediaError, type MediaFacts } from '@mediaflow/domain';
import { evenDown, outputFrameRate, planLadder } from './ladder.js';
import { defaultVideoPolicy } from './policy.js';

const facts = (width: number, height: number, over: Partial<MediaFacts> = {}): MediaFacts => ({
  width,
  height,
  frameRate: 30,
  durationSeconds: 20,
  audioCodec: 'aac',
  ...over,
});

const sizes = (f: MediaFacts): string[] => planLadder(f).rungs.map((r) => `${r.name}:${r.width}x${r.height}`);

describe('planLadder rungs', () => {
  it.each([
    [3840, 2160, ['1080p:1920x1080', '720p:1280x720', '540p:960x540', '360p:640x360', '240p:426x240']],
    [1920, 1080, ['1080p:1920x1080', '720p:1280x720', '540p:960x540', '360p:640x360', '240p:426x240']],
    [1280, 720, ['720p:1280x720', '540p:960x540', '360p:640x360', '240p:426x240']],
    [960, 540, ['540p:960x540', '360p:640x360', '240p:426x240']],
    [640, 480, ['480p:640x480', '360p:480x360', '240p:320x240']],
    [640, 360, ['360p:640x360', '240p:426x240']],
    [400, 300, ['300p:400x300', '240p:320x240']],
    [320, 240, ['240p:320x240']],
    [160, 120, ['120p:160x120']],
    [1080, 1920, ['1080p:1080x1920', '720p:720x1280', '540p:540x960', '360p:360x640', '240p:240x426']],
    [1920, 800, ['720p:1728x720', '540p:1296x540', '360p:864x360', '240p:576x240']],
    [641, 361, ['360p:640x360', '240p:426x240']],
    [175, 99, ['98p:174x98']],
  ])('%dx%d -> %j', (width, height, expected) => {
    expect(sizes(facts(width, height))).toEqual(expected);
  });

  it('gives 3 to 5 rungs whenever the source is at least 540 lines, and never goes above the source', () => {
    for (let short = 540; short <= 2160; short += 37) {
      const plan = planLadder(facts(Math.round((short * 16) / 9), short));
      expect(plan.rungs.length).toBeGreaterThanOrEqual(3);
      expect(plan.rungs.length).toBeLessThanOrEqual(5);
      for (const rung of plan.rungs) {
        expect(rung.height).toBeLessThanOrEqual(short);
        expect(rung.width % 2 + (rung.height % 2)).toBe(0);
      }
    }
  });

  it('takes bitrates from the table and scales in-between sizes by area', () => {
    const [r1080, r720, , , r240] = planLadder(facts(1920, 1080)).rungs;
    expect(r1080).toMatchObject({ maxBitrate: 6_000_000, audioBitrate: 128_000, qvbrQuality: 8, level: { level: '4.0' } });
    expect(r720).toMatchObject({ maxBitrate: 4_000_000, audioBitrate: 128_000 });
    expect(r240).toMatchObject({ maxBitrate: 500_000, audioBitrate: 64_000, level: { level: '3.0' } });
    const r480 = planLadder(facts(640, 480)).rungs[0];
    expect(r480?.maxBitrate).toBeGreaterThan(1_100_000);
    expect(r480?.maxBitrate).toBeLessThan(2_500_000);
    expect(planLadder(facts(160, 120)).rungs[0]?.maxBitrate).toBe(125_000);
  });

  it('spends more bits on high frame rates and halves slow-motion rates', () => {
    const plan = planLadder(facts(1280, 720, { frameRate: 120 }));
    expect(plan.frameRate).toBe(60);
    expect(plan.rungs[0]?.maxBitrate).toBe(6_000_000);
    expect(plan.rungs[0]?.level.level).toBe('3.2');
    expect(outputFrameRate(undefined, defaultVideoPolicy)).toBe(30);
    expect(outputFrameRate(29.97, defaultVideoPolicy)).toBe(29.97);
  });

  it('plans no audio bitrate for a silent source', () => {
    const plan = planLadder(facts(1280, 720, { audioCodec: undefined }));
    expect(plan.hasAudio).toBe(false);
    expect(plan.rungs.every((r) => r.audioBitrate === 0)).toBe(true);
  });

  it('refuses facts without a frame size', () => {
    expect(() => planLadder({ durationSeconds: 3, audioCodec: 'aac' })).toThrow(UnsupportedMediaError);
  });

  it('rounds down to even sizes', () => {
    expect([evenDown(1), evenDown(3), evenDown(359), evenDown(360)]).toEqual([2, 2, 358, 360]);
  });
});

describe('planLadder timing and stills', () => {
  it('aligns one GOP to each 6 s segment', () => {
    expect(planLadder(facts(1280, 720, { frameRate: 25 }))).toMatchObject({ segmentSeconds: 6, gopFrames: 150, frameRate: 25 });
    expect(planLadder(facts(1280, 720, { frameRate: 29.97 })).gopFrames).toBe(180);
  });

  it('puts the preview at 720p at most, with the poster the same size', () => {
    const plan = planLadder(facts(1920, 1080));
    expect(plan.preview).toMatchObject({ name: 'preview', rung: '720p', width: 1280, height: 720, maxBitrate: 4_000_000, audioBitrate: 128_000 });
    expect(plan.poster).toMatchObject({ name: 'poster', width: 1280, height: 720 });
    expect(planLadder(facts(640, 360)).preview.rung).toBe('360p');
  });

  it('takes the poster at 10% of the clip or 1 s, within the clip', () => {
    expect(planLadder(facts(640, 360, { durationSeconds: 60 })).poster).toMatchObject({ atSeconds: 6, frame: 180 });
    expect(planLadder(facts(640, 360, { durationSeconds: 4 })).poster).toMatchObject({ atSeconds: 1, frame: 30 });
    expect(planLadder(facts(640, 360, { durationSeconds: 1 })).poster.atSeconds).toBe(0.5);
    expect(planLadder(facts(640, 360, { durationSeconds: 0.04, frameRate: 25 })).poster).toMatchObject({ atSeconds: 0, frame: 0 });
  });

  it('spreads 5 small thumbnails over the clip, one per distinct frame for tiny clips', () => {
    const plan = planLadder(facts(1920, 1080, { durationSeconds: 10 }));
    expect(plan.thumbnails.map((t) => t.name)).toEqual(['thumbs/01', 'thumbs/02', 'thumbs/03', 'thumbs/04', 'thumbs/05']);
    expect(plan.thumbnails.map((t) => t.atSeconds)).toEqual([1, 3, 5, 7, 9]);
    expect(plan.thumbnails.every((t) => t.width === 320 && t.height === 180)).toBe(true);
    expect(planLadder(facts(1080, 1920)).thumbnails[0]).toMatchObject({ width: 180, height: 320 });
    const single = planLadder(facts(640, 360, { durationSeconds: 0.04, frameRate: 25 }));
    expect(single.thumbnails).toEqual([{ name: 'thumbs/01', atSeconds: 0, frame: 0, width: 320, height: 180 }]);
  });

  it('lists every output under a valid rendition name, segments unlisted', () => {
    const plan = planLadder(facts(1280, 720, { durationSeconds: 13 }));
    for (const output of plan.outputs) expect(RenditionNameSchema.safeParse(output.name).success).toBe(true);
    const names = plan.outputs.map((o) => `${o.name}.${o.format}`);
    expect(names.slice(0, 5)).toEqual(['hls/master.m3u8', 'hls/720p.m3u8', 'hls/720p_00001.ts', 'hls/720p_00002.ts', 'hls/720p_00003.ts']);
    expect(names).toEqual(expect.arrayContaining(['preview.mp4', 'poster.jpeg', 'thumbs/01.jpeg', 'thumbs/05.jpeg', 'hls/240p_00003.ts']));
    expect(plan.outputs.filter((o) => o.kind === 'segment').every((o) => !o.listed && o.contentType === 'video/mp2t')).toBe(true);
    expect(plan.outputs.filter((o) => o.kind !== 'segment').every((o) => o.listed)).toBe(true);
    expect(plan.outputs.find((o) => o.name === 'hls/720p')).toMatchObject({ width: 1280, height: 720, bitrate: 4_128_000 });
  });
});
