import { TagNameSchema } from './media.js';

/**
 * The canonical spelling of a tag as people type it: NFKC, lower case, inner whitespace collapsed,
 * punctuation other than `- & ' .` dropped. Returns `undefined` when nothing usable is left.
 * (Singular forms, synonyms and parent categories are the tagging library's job.)
 *
 * @example
 * normalizeTagName('  Golden   Retriever ') // 'golden retriever'
 */
export function normalizeTagName(raw: string): string | undefined {
  const name = raw
    .normalize('NFKC')
    .toLocaleLowerCase('en-US')
    .replace(/[^\p{L}\p{N}\p{M} '&.-]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .slice(0, 64)
    .trim();
  return TagNameSchema.safeParse(name).success ? name : undefined;
}
