import type { Tagger, TaggerInput, TaggerResult } from '../processing-ports.js';

/**
 * A Tagger that answers from a table keyed by the input's first bytes (or a default), and records
 * what it was asked. For service tests; the real taggers live in `@mediaflow/tagging`.
 */
export class FakeTagger implements Tagger {
  readonly calls: TaggerInput[] = [];

  constructor(
    private readonly answer: (input: TaggerInput) => TaggerResult = () => ({ labels: [], moderation: [] }),
  ) {}

  async detect(input: TaggerInput): Promise<TaggerResult> {
    this.calls.push(input);
    return this.answer(input);
  }
}
