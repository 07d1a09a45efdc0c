import { ValidationError } from '@mediaflow/domain';
import { fitLongEdge, planRenditions } from './plan.js';
import { defaultPolicy } from './policy.js';
import type { RenditionPolicy } from './types.js';

const names = (facts: Parameters<typeof planRenditions>[0], policy?: RenditionPolicy): string[] =>
  planRenditions(facts, policy).outputs.map((o) => `${o.name}.${o.format}@${o.width}x${o.height}${o.animated ? '~' : ''}`);

describe('fitLongEdge', () => {
  it('scales the long edge down and keeps the aspect ratio', () => {
    expect(fitLongEdge(4000, 3000, 1280)).toEqual({ width: 1280, height: 960 });
    expect(fitLongEdge(3000, 4000, 1280)).toEqual({ width: 960, height: 1280 });
  });

  it('never enlarges', () => {
    expect(fitLongEdge(300, 200, 1280)).toEqual({ width: 300, height: 200 });
  });

  it('keeps at least one pixel on the short edge of a very long panorama', () => {
    expect(fitLongEdge(100_000, 10, 256)).toEqual({ width: 256, height: 1 });
  });
});

describe('planRenditions', () => {
  it('gives a 12 MP photo every size, WebP and AVIF where the policy says, JPEG for thumb and medium', () => {
    expect(names({ width: 4000, height: 3000, frames: 1 })).toEqual([
      'thumb.webp@256x192',
      'thumb.avif@256x192',
      'thumb.jpeg@256x192',
      'small.webp@640x480',
      'small.avif@640x480',
      'medium.webp@1280x960',
      'medium.avif@1280x960',
      'medium.jpeg@1280x960',
      'large.webp@2048x1536',
    ]);
  });

  it('gives a 300 px image only the sizes it can fill', () => {
    expect(names({ width: 300, height: 200 })).toEqual(['thumb.webp@256x171', 'thumb.avif@256x171', 'thumb.jpeg@256x171']);
  });

  it('gives a tiny image a thumb at its own size', () => {
    expect(names({ width: 1, height: 1 })).toEqual(['thumb.webp@1x1', 'thumb.avif@1x1', 'thumb.jpeg@1x1']);
    expect(names({ width: 120, height: 90 })).toEqual(['thumb.webp@120x90', 'thumb.avif@120x90', 'thumb.jpeg@120x90']);
  });

  it('sizes a 12000x800 panorama by its long edge', () => {
    const plan = planRenditions({ width: 12_000, height: 800 });
    expect(plan.outputs.map((o) => [o.name, o.width, o.height])).toContainEqual(['large', 2048, 137]);
    expect(plan.outputs.map((o) => [o.name, o.width, o.height])).toContainEqual(['thumb', 256, 17]);
  });

  it('uses the upright dimensions it is given (portrait stays portrait)', () => {
    const plan = planRenditions({ width: 3000, height: 4000, orientation: 6 });
    expect(plan.source).toEqual({ width: 3000, height: 4000 });
    expect(plan.outputs.find((o) => o.name === 'medium')).toMatchObject({ width: 960, height: 1280 });
  });

  it('turns an animation into animated WebP plus a still poster, with frames capped', () => {
    const plan = planRenditions({ width: 800, height: 600, frames: 1000 });
    expect(plan.animated).toBe(true);
    expect(plan.frames).toBe(defaultPolicy.animation.maxFrames);
    expect(names({ width: 800, height: 600, frames: 1000 })).toEqual([
      'thumb.webp@256x192~',
      'small.webp@640x480~',
      'poster.webp@640x480',
      'poster.jpeg@640x480',
    ]);
  });

  it('gives a small animation an animated thumb at its own size', () => {
    expect(names({ width: 100, height: 80, frames: 12 })).toEqual(['thumb.webp@100x80~', 'poster.webp@100x80', 'poster.jpeg@100x80']);
  });

  it('follows another policy when given one', () => {
    const policy: RenditionPolicy = {
      ...defaultPolicy,
      formats: { thumb: ['jpeg'], small: [], medium: [], large: ['avif'] },
    };
    expect(names({ width: 4000, height: 3000 }, policy)).toEqual(['thumb.jpeg@256x192', 'large.avif@2048x1536']);
  });

  it('needs the dimensions', () => {
    expect(() => planRenditions({ format: 'png' })).toThrow(ValidationError);
  });

  it('names every quality and effort setting in the policy', () => {
    expect(planRenditions({ width: 10, height: 10 }).encoders).toBe(defaultPolicy.encoders);
  });
});
