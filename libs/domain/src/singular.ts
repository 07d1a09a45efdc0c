/** Irregular plurals, and plurals the suffix rules below would get wrong. */
const IRREGULAR: Readonly<Record<string, string>> = {
  people: 'person',
  men: 'man',
  women: 'woman',
  children: 'child',
  mice: 'mouse',
  geese: 'goose',
  feet: 'foot',
  teeth: 'tooth',
  oxen: 'ox',
  dice: 'die',
  leaves: 'leaf',
  wolves: 'wolf',
  knives: 'knife',
  wives: 'wife',
  shelves: 'shelf',
  loaves: 'loaf',
  calves: 'calf',
  halves: 'half',
  scarves: 'scarf',
  hooves: 'hoof',
  movies: 'movie',
  cookies: 'cookie',
  selfies: 'selfie',
  shoes: 'shoe',
  toes: 'toe',
  canoes: 'canoe',
  buses: 'bus',
  gases: 'gas',
  lenses: 'lens',
  cacti: 'cactus',
};

/**
 * Words that look plural but name one thing (or are the same in both numbers); a label such as
 * "Glasses" or "Sheep" must stay as it is.
 */
const INVARIANT = new Set([
  'glasses',
  'sunglasses',
  'eyeglasses',
  'goggles',
  'binoculars',
  'scissors',
  'pliers',
  'tongs',
  'pants',
  'trousers',
  'jeans',
  'shorts',
  'tights',
  'leggings',
  'pajamas',
  'clothes',
  'headphones',
  'earphones',
  'electronics',
  'sheep',
  'fish',
  'deer',
  'moose',
  'bison',
  'aircraft',
  'series',
  'species',
  'news',
  'sports',
  'athletics',
  'gymnastics',
  'aerobics',
  'mathematics',
  'physics',
  'billiards',
  'chess',
  'lens',
]);

function singularWord(word: string): string {
  // Own entries only: `constructor` is a word, not the table's inherited Object.
  const irregular = Object.hasOwn(IRREGULAR, word) ? IRREGULAR[word] : undefined;
  if (irregular !== undefined) return irregular;
  // Short words ("bus", "gas", "yes") and Latin/Greek singulars ("cactus", "iris", "grass")
  // end in s without being plural.
  if (INVARIANT.has(word) || word.length <= 3 || /(ss|us|is)$/.test(word)) return word;
  if (word.endsWith('ies')) return word.length <= 4 ? word.slice(0, -1) : `${word.slice(0, -3)}y`;
  if (/(ch|sh|ss|x|z|o)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/**
 * The singular of a lower-case label. Only the last word of a phrase is a noun in number
 * ("hot dogs" -> "hot dog", "sports car" stays).
 *
 * @example
 * singular('puppies') // 'puppy'
 * singular('glasses') // 'glasses'
 */
export function singular(label: string): string {
  const space = label.lastIndexOf(' ');
  if (space < 0) return singularWord(label);
  return `${label.slice(0, space + 1)}${singularWord(label.slice(space + 1))}`;
}
