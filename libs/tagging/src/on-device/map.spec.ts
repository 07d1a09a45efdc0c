import { analyse, toTaggerResult, type RawDetections } from './map.js';
import type { ImageStatistics } from './image-stats.js';

const PHOTO: ImageStatistics = { width: 640, height: 427, flatShare: 0.27, textureShare: 0.41, edgeShare: 0.1, oneAxisShare: 0.09, neighbourCorrelation: 0.98 };
const FLAT: ImageStatistics = { width: 640, height: 480, flatShare: 1, textureShare: 0, edgeShare: 0, oneAxisShare: 0, neighbourCorrelation: 1 };
const OPTIONS = { faceMinConfidence: 0.6, faceMaxArea: 0.5 };

const raw = (overrides: Partial<RawDetections> = {}): RawDetections => ({ objects: [], faces: [], nsfw: [], ...overrides });

describe('toTaggerResult', () => {
  it('labels the objects that clear their thresholds', () => {
    const result = toTaggerResult(
      raw({
        objects: [
          { classIndex: 0, score: 0.62, box: [0.3, 0.1, 0.4, 0.8] },
          { classIndex: 67, score: 0.21, box: [0.5, 0.5, 0.1, 0.1] },
        ],
      }),
      PHOTO,
      OPTIONS,
    );
    expect(result.labels).toEqual([{ name: 'person', confidence: 0.62 }]);
  });

  it('counts the confident faces and adds no label for them', () => {
    const faces = [
      { score: 0.84, box: [0.1, 0.1, 0.1, 0.1] as const },
      { score: 0.66, box: [0.5, 0.1, 0.1, 0.1] as const },
      { score: 0.38, box: [0.7, 0.1, 0.1, 0.1] as const },
    ];
    expect(toTaggerResult(raw({ faces }), PHOTO, OPTIONS)).toEqual({ labels: [], moderation: [], faces: 2 });
    expect(toTaggerResult(raw({ faces: faces.slice(2) }), PHOTO, OPTIONS).faces).toBe(0);
  });

  it('reports no count at all when the face detector did not run', () => {
    expect(toTaggerResult(raw(), PHOTO, { ...OPTIONS, facesLooked: false })).toEqual({ labels: [], moderation: [] });
  });

  it('does not count a face whose box is most of the picture', () => {
    const faces = [
      { score: 0.9, box: [0.3, 0.3, 0.2, 0.25] as const },
      { score: 0.74, box: [0.1, 0.2, 0.75, 0.75] as const },
    ];
    expect(toTaggerResult(raw({ faces }), PHOTO, OPTIONS).faces).toBe(1);
  });

  it('gives no object label and no face to a picture that is not a photograph, whatever the detectors say', () => {
    const analysis = analyse(
      raw({ objects: [{ classIndex: 32, score: 0.9, box: [0.2, 0.2, 0.3, 0.3] }], faces: [{ score: 0.9, box: [0.4, 0.4, 0.1, 0.1] }] }),
      FLAT,
      OPTIONS,
    );
    expect(analysis.result.labels).toEqual([]);
    expect(analysis.result.faces).toBe(0);
    expect(analysis.objects).toEqual([]);
    expect(analysis.photograph).toMatchObject({ photograph: false, reason: expect.stringMatching(/^featureless/) });
  });

  it('maps nsfwjs classes to moderation labels and drops the neutral ones', () => {
    const result = toTaggerResult(
      raw({
        nsfw: [
          { className: 'Neutral', probability: 0.5 },
          { className: 'Porn', probability: 0.3 },
          { className: 'Sexy', probability: 0.1 },
          { className: 'Hentai', probability: 0.06 },
          { className: 'Drawing', probability: 0.04 },
        ],
      }),
      PHOTO,
      OPTIONS,
    );
    expect(result.moderation).toEqual([
      { name: 'Explicit Nudity', confidence: 0.3 },
      { name: 'Suggestive', confidence: 0.1 },
      { name: 'Illustrated Explicit Nudity', confidence: 0.06, parent: 'Explicit Nudity' },
    ]);
  });

  it('clamps scores into 0..1', () => {
    const result = toTaggerResult(
      raw({ objects: [{ classIndex: 16, score: 1.0000001, box: [0.1, 0.1, 0.5, 0.5] }], nsfw: [{ className: 'Porn', probability: Number.NaN }] }),
      PHOTO,
      OPTIONS,
    );
    expect(result.labels.map((l) => l.confidence)).toEqual([1]);
    expect(result.moderation.map((l) => l.confidence)).toEqual([0]);
  });
});
