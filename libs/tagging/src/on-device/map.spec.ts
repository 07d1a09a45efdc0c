import { toTaggerResult } from './map.js';

describe('toTaggerResult', () => {
  it('passes objects through and counts a confident face as a person', () => {
    const result = toTaggerResult(
      {
        objects: [
          { label: 'cup', score: 0.57 },
          { label: 'dining table', score: 0.27 },
        ],
        faces: [0.84, 0.37],
        nsfw: [],
      },
      { faceMinConfidence: 0.6 },
    );
    expect(result.labels).toEqual([
      { name: 'cup', confidence: 0.57 },
      { name: 'dining table', confidence: 0.27 },
      { name: 'person', confidence: 0.84 },
    ]);
  });

  it('ignores faces under the threshold', () => {
    expect(toTaggerResult({ objects: [], faces: [0.38, 0.32], nsfw: [] }, { faceMinConfidence: 0.6 }).labels).toEqual([]);
  });

  it('maps nsfwjs classes to moderation labels and drops the neutral ones', () => {
    const result = toTaggerResult(
      {
        objects: [],
        faces: [],
        nsfw: [
          { className: 'Neutral', probability: 0.5 },
          { className: 'Porn', probability: 0.3 },
          { className: 'Sexy', probability: 0.1 },
          { className: 'Hentai', probability: 0.06 },
          { className: 'Drawing', probability: 0.04 },
        ],
      },
      { faceMinConfidence: 0.6 },
    );
    expect(result.moderation).toEqual([
      { name: 'Explicit Nudity', confidence: 0.3 },
      { name: 'Suggestive', confidence: 0.1 },
      { name: 'Illustrated Explicit Nudity', confidence: 0.06, parent: 'Explicit Nudity' },
    ]);
  });

  it('clamps scores into 0..1', () => {
    const result = toTaggerResult({ objects: [{ label: 'dog', score: 1.0000001 }, { label: 'cat', score: Number.NaN }], faces: [], nsfw: [] }, { faceMinConfidence: 0.6 });
    expect(result.labels.map((l) => l.confidence)).toEqual([1, 0]);
  });
});
