import { singular, TagSchema } from '@mediaflow/domain';
import { canonicalTagName, normaliseLabels } from './normalise.js';

describe('singular', () => {
  it.each([
    ['dogs', 'dog'],
    ['puppies', 'puppy'],
    ['pies', 'pie'],
    ['people', 'person'],
    ['mice', 'mouse'],
    ['knives', 'knife'],
    ['benches', 'bench'],
    ['boxes', 'box'],
    ['dresses', 'dress'],
    ['tomatoes', 'tomato'],
    ['shoes', 'shoe'],
    ['buses', 'bus'],
    ['horses', 'horse'],
    ['hot dogs', 'hot dog'],
  ])('%s -> %s', (plural, one) => expect(singular(plural)).toBe(one));

  it.each(['glasses', 'sunglasses', 'scissors', 'sheep', 'jeans', 'grass', 'cactus', 'iris', 'bus', 'lens', 'electronics', 'dog', 'sports car'])(
    'leaves %s as it is',
    (word) => expect(singular(word)).toBe(word),
  );
});

describe('canonicalTagName', () => {
  it('lower-cases, makes singular and applies synonyms', () => {
    expect(canonicalTagName('Automobile')).toBe('car');
    expect(canonicalTagName('Puppies')).toBe('dog');
    expect(canonicalTagName('Human')).toBe('person');
    expect(canonicalTagName('People')).toBe('person');
    expect(canonicalTagName('cell phone')).toBe('mobile phone');
    expect(canonicalTagName('  Golden   Retriever ')).toBe('golden retriever');
  });

  it('keeps labels that name what every object inherits as they are', () => {
    expect(['Constructor', 'Constructors', 'toString', 'hasOwnProperty'].map((l) => canonicalTagName(l))).toEqual([
      'constructor',
      'constructor',
      'tostring',
      'hasownproperty',
    ]);
    expect(normaliseLabels([{ name: 'constructor', confidence: 0.9 }])).toEqual([{ name: 'constructor', confidence: 0.9, source: 'ai' }]);
  });

  it('gives nothing for a label without letters or digits', () => {
    expect(canonicalTagName('!!!')).toBeUndefined();
  });
});

describe('normaliseLabels', () => {
  it('keeps confident labels as AI tags with parents, most confident first', () => {
    const tags = normaliseLabels(
      [
        { name: 'Dog', confidence: 0.9, parents: ['Animal', 'Pet'] },
        { name: 'Grass', confidence: 0.95 },
        { name: 'Blurry', confidence: 0.2 },
      ],
      { parentsAsTags: false },
    );
    expect(tags).toEqual([
      { name: 'grass', confidence: 0.95, source: 'ai' },
      { name: 'dog', confidence: 0.9, source: 'ai', parent: 'animal' },
    ]);
  });

  it('adds the COCO parent when the tagger gives none, and the parent as a tag of its own', () => {
    expect(normaliseLabels([{ name: 'pizza', confidence: 0.8 }])).toEqual([
      { name: 'pizza', confidence: 0.8, source: 'ai', parent: 'food' },
      { name: 'food', confidence: 0.8, source: 'ai' },
    ]);
  });

  it('merges labels that name the same thing, keeping the highest confidence', () => {
    const tags = normaliseLabels(
      [
        { name: 'Car', confidence: 0.81 },
        { name: 'Automobile', confidence: 0.93 },
        { name: 'cars', confidence: 0.75 },
      ],
      { parentsAsTags: false },
    );
    expect(tags).toEqual([{ name: 'car', confidence: 0.93, source: 'ai', parent: 'vehicle' }]);
  });

  it('does not repeat a parent that is already a tag', () => {
    const names = normaliseLabels([
      { name: 'Dog', confidence: 0.9, parents: ['Animal'] },
      { name: 'Animal', confidence: 0.95 },
    ]).map((t) => t.name);
    expect(names).toEqual(['animal', 'dog']);
  });

  it('applies the threshold and the limit from its options', () => {
    const labels = Array.from({ length: 30 }, (_, i) => ({ name: `thing ${i}`, confidence: 0.5 + i / 100 }));
    expect(normaliseLabels(labels)).toHaveLength(10); // 0.70 .. 0.79 pass the default 0.7
    const tags = normaliseLabels(labels, { minConfidence: 0, maxLabels: 15 });
    expect(tags).toHaveLength(15);
    expect(tags[0]?.name).toBe('thing 29');
  });

  it('spends the limit on labels before parents', () => {
    const labels = ['dog', 'cat', 'car'].map((name) => ({ name, confidence: 0.9 }));
    expect(normaliseLabels(labels, { maxLabels: 4 }).map((t) => t.name)).toEqual(['car', 'cat', 'dog', 'animal']);
  });

  it('only ever yields tags that pass the domain schema', () => {
    const tags = normaliseLabels([
      { name: 'Électricité', confidence: 1.2 },
      { name: 'Rock & Roll', confidence: 0.9 },
      { name: 'x'.repeat(200), confidence: 0.9 },
      { name: '', confidence: 0.99 },
      { name: 'nan', confidence: Number.NaN },
    ]);
    for (const tag of tags) expect(TagSchema.safeParse(tag).success).toBe(true);
    expect(tags.map((t) => t.name)).toContain('électricité');
    expect(tags.find((t) => t.name === 'électricité')?.confidence).toBe(1);
  });
});
