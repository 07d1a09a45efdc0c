/**
 * One name per thing, applied after `singular`: the two taggers (and people) say the same thing
 * in different words, and search should find both. The tagger applies them to labels, search to
 * every word it indexes or is asked for.
 */
export const SYNONYMS: Readonly<Record<string, string>> = {
  automobile: 'car',
  auto: 'car',
  puppy: 'dog',
  doggy: 'dog',
  kitten: 'cat',
  kitty: 'cat',
  human: 'person',
  sofa: 'couch',
  tv: 'television',
  'tv monitor': 'television',
  'cell phone': 'mobile phone',
  cellphone: 'mobile phone',
  smartphone: 'mobile phone',
  motorbike: 'motorcycle',
  aeroplane: 'airplane',
  plane: 'airplane',
  bike: 'bicycle',
  doughnut: 'donut',
  'hair drier': 'hair dryer',
  'sports ball': 'ball',
  skis: 'ski',
  photo: 'photograph',
  'potted plant': 'houseplant',
};

/**
 * The one name for `word`, if the table has another. Only the table's own entries count: a word
 * such as `constructor` or `__proto__` must not find what every JavaScript object inherits.
 *
 * @example
 * synonymOf('puppy') // 'dog'
 * synonymOf('constructor') // undefined
 */
export function synonymOf(word: string): string | undefined {
  return Object.hasOwn(SYNONYMS, word) ? SYNONYMS[word] : undefined;
}
