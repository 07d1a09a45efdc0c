import { TEXT_MAX_LENGTH } from '@mediaflow/domain';

/** A word as the OCR engine reports it: its text and its confidence, 0-100. */
export interface ReadWord {
  text: string;
  confidence: number;
}

export interface KeepWordsOptions {
  /** The least word confidence (0-100) kept; see the README for how it was chosen. */
  minConfidence: number;
  /** The longest result, cut at a word boundary. */
  maxLength: number;
}

export const DEFAULT_KEEP_WORDS: Readonly<KeepWordsOptions> = { minConfidence: 60, maxLength: TEXT_MAX_LENGTH };

/** Letters and digits in any script: what makes a word a word for search too. */
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/gu;

/** Characters a word may carry at its ends that say nothing (quotes, brackets, stray punctuation). */
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

/**
 * What of an OCR reading is kept, line by line: words with at least two letters or digits whose
 * confidence clears `minConfidence`, their outer punctuation trimmed, spaces between words and one
 * line break between lines (empty lines dropped), the whole cut at `maxLength` on a word boundary.
 * Noise and textures read as short, unsure fragments (`a:20`, `Tn:0`, `SEE):21`), which this drops.
 *
 * @example
 * keepWords([[{ text: 'Open', confidence: 96 }, { text: 'a', confidence: 90 }, { text: 'Tn', confidence: 12 }]], DEFAULT_KEEP_WORDS)
 * // 'Open'
 */
export function keepWords(lines: readonly (readonly ReadWord[])[], options: KeepWordsOptions = DEFAULT_KEEP_WORDS): string {
  const kept: string[] = [];
  for (const line of lines) {
    const words = line
      .filter((w) => w.confidence >= options.minConfidence)
      .map((w) => w.text.replace(/\s+/gu, '').replace(EDGE_PUNCTUATION, ''))
      .filter((w) => (w.match(LETTER_OR_DIGIT)?.length ?? 0) >= 2);
    if (words.length > 0) kept.push(words.join(' '));
  }
  return cutAtWord(kept.join('\n'), options.maxLength);
}

/** `text` when it fits, else its longest start that ends at a word boundary and fits. */
export function cutAtWord(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const head = text.slice(0, maxLength + 1);
  const boundary = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\n'));
  // A single word longer than the limit is cut where the limit falls.
  return (boundary > 0 ? head.slice(0, boundary) : text.slice(0, maxLength)).trimEnd();
}
