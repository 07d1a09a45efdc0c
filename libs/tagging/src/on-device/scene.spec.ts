import { SCENE_OPTIONS, sceneLabels, type SceneMeasures } from './scene.js';

// Measures of the shapes the medium test sees (a rendered page, a rendered mail client, a photo).
const PAGE: SceneMeasures = {
  width: 452,
  height: 640,
  background: { share: 0.86, luma: 235, chroma: 0 },
  topColourShare: 0.95,
  flatShare: 0.7,
  panelShare: 0,
  inkShare: 0.09,
  midShare: 0.05,
  strokeDensity: 58,
  textLines: 41,
};
const SCREENSHOT: SceneMeasures = {
  width: 640,
  height: 400,
  background: { share: 0.9, luma: 235, chroma: 0 },
  topColourShare: 0.98,
  flatShare: 0.86,
  panelShare: 0.42,
  inkShare: 0.08,
  midShare: 0.015,
  strokeDensity: 14,
  textLines: 15,
};
const PHOTO: SceneMeasures = {
  width: 640,
  height: 427,
  background: { share: 0.38, luma: 187, chroma: 70 },
  topColourShare: 0.37,
  flatShare: 0.4,
  panelShare: 0.19,
  inkShare: 0.25,
  midShare: 0.37,
  strokeDensity: 16.6,
  textLines: 18,
};

describe('sceneLabels', () => {
  it('labels a page of text a document, under text', () => {
    expect(sceneLabels(PAGE)).toEqual([{ name: 'document', confidence: 0.95, parents: ['text'] }]);
  });

  it('labels rendered UI with text a screenshot', () => {
    expect(sceneLabels(SCREENSHOT)).toEqual([{ name: 'screenshot', confidence: 0.81 }]);
  });

  it('gives a photograph no scene label', () => {
    expect(sceneLabels(PHOTO)).toEqual([]);
  });

  it('is more confident with more lines of text, from 0.6 at the bar to 0.95', () => {
    const at = (textLines: number) => sceneLabels({ ...PAGE, textLines })[0]?.confidence;
    expect(at(SCENE_OPTIONS.document.minTextLines - 1)).toBeUndefined();
    expect(at(SCENE_OPTIONS.document.minTextLines)).toBe(0.6);
    expect(at(SCENE_OPTIONS.document.minTextLines + 8)).toBe(0.74);
    expect(at(200)).toBe(0.95);
  });

  // Every bar of a rule, missed by a little: no partial credit.
  it.each<[string, Partial<SceneMeasures>]>([
    ['a dark background', { background: { ...PAGE.background, luma: 160 } }],
    ['too little background', { background: { ...PAGE.background, share: 0.55 } }],
    ['a coloured background', { background: { ...PAGE.background, chroma: 45 } }],
    ['too few lines', { textLines: 4 }],
    ['too few strokes', { strokeDensity: 7 }],
    ['no ink', { inkShare: 0.004 }],
    ['too much ink', { inkShare: 0.31 }],
    ['the tones of a photograph', { midShare: 0.13 }],
    ['UI panels', { panelShare: 0.06 }],
  ])('is no document with %s', (_, change) => {
    expect(sceneLabels({ ...PAGE, ...change }).map((l) => l.name)).not.toContain('document');
  });

  it.each<[string, Partial<SceneMeasures>]>([
    ['too few flat pixels', { flatShare: 0.59 }],
    ['too many colours', { topColourShare: 0.79 }],
    ['no panels', { panelShare: 0.04 }],
    ['too few lines', { textLines: 2 }],
    ['too few strokes', { strokeDensity: 3.9 }],
  ])('is no screenshot with %s', (_, change) => {
    expect(sceneLabels({ ...SCREENSHOT, ...change }).map((l) => l.name)).not.toContain('screenshot');
  });

  it('keeps the most confident labels up to the cap', () => {
    // A page with a few panels and a toolbar's worth of flat area meets both rules.
    const both: SceneMeasures = { ...PAGE, panelShare: 0.05, textLines: 10 };
    expect(sceneLabels(both).map((l) => [l.name, l.confidence])).toEqual([
      ['screenshot', 0.72],
      ['document', 0.69],
    ]);
    expect(sceneLabels(both, { ...SCENE_OPTIONS, maxLabels: 1 }).map((l) => l.name)).toEqual(['screenshot']);
    expect(sceneLabels(both, { ...SCENE_OPTIONS, maxLabels: 0 })).toEqual([]);
  });

  it('gives no labels for missing or malformed measures', () => {
    expect(sceneLabels(undefined)).toEqual([]);
    expect(sceneLabels({ ...PAGE, inkShare: Number.NaN })).toEqual([]);
    expect(sceneLabels({ ...PAGE, flatShare: 1.5 })).toEqual([]);
    expect(sceneLabels({ ...PAGE, textLines: Number.POSITIVE_INFINITY })).toEqual([]);
    expect(sceneLabels({ ...PAGE, background: undefined } as unknown as SceneMeasures)).toEqual([]);
  });
});
