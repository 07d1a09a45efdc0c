import { parseSearchText } from '@mediaflow/domain';
import { allRelevanceShapes, allTakenShapes, matchExpression, relevanceSql, relevanceWindowSql, takenSql } from './search-sql.js';

describe('matchExpression', () => {
  it('quotes every word, ORs a group with its prefix and ANDs the groups', () => {
    expect(matchExpression([{ exact: ['dog'] }, { exact: ['bea'], prefix: 'bea' }], [])).toBe('"dog" AND ("bea" OR "bea"*)');
    expect(matchExpression([{ exact: ['mobile', 'phone'] }], [])).toBe('("mobile" AND "phone")');
    expect(matchExpression([{ exact: ['mobile', 'phone'], prefix: 'mo' }], [])).toBe('(("mobile" AND "phone") OR "mo"*)');
  });

  it('puts camera words in the camera column, and has nothing to match without words', () => {
    expect(matchExpression([], ['canon', 'r6'])).toBe('camera : ("canon" AND "r6")');
    expect(matchExpression([{ exact: ['sea'] }], ['nikon'])).toBe('"sea" AND camera : ("nikon")');
    expect(matchExpression([], [])).toBeUndefined();
    // A group without exact words matches every item, as in the domain.
    expect(matchExpression([{ exact: [] }], [])).toBeUndefined();
  });

  it('never lets typed text become query syntax', () => {
    // What a person types goes through the domain's parser, which keeps letters and digits only.
    const typed = 'title:x OR "a" NEAR(b c) -d* ^e {f g}: h';
    const expression = matchExpression(parseSearchText(typed), []) ?? '';
    const outsideQuotes = expression.replace(/"[^"]*"/g, '');
    expect(outsideQuotes).toMatch(/^[()* ]*(AND|OR|[()* ])*$/);
    // A quote inside a word (never made by the parser) stays inside its string.
    expect(matchExpression([{ exact: ['a"b'] }], [])).toBe('"a""b"');
  });
});

describe('search statements', () => {
  it('scope every statement by owner and keep to listed items', () => {
    const statements = [
      ...allRelevanceShapes().flatMap((shape) => [relevanceSql(shape), relevanceWindowSql(shape)]),
      ...allTakenShapes().map(takenSql),
    ];
    for (const sql of statements) {
      expect(sql).toContain('m.owner_id = @owner');
      expect(sql).toContain("m.status NOT IN ('trashed', 'deleted')");
    }
  });

  it('pages by date taken with the id as tie-break, and ranks with the id as the last tie-break', () => {
    for (const shape of allTakenShapes()) {
      const dir = shape.order === 'taken-desc' ? 'DESC' : 'ASC';
      expect(takenSql(shape)).toMatch(new RegExp(`ORDER BY m\\.taken_at ${dir}, m\\.id ${dir} LIMIT @limit$`));
    }
    for (const shape of allRelevanceShapes()) expect(relevanceSql(shape)).toMatch(/ORDER BY score, taken_at DESC, id DESC LIMIT @take OFFSET @offset$/);
  });
});
