import { ValidationError } from '@mediaflow/domain';
import { validateDefinitions } from './definitions.js';

describe('validateDefinitions', () => {
  it('accepts queues with dead-letter queues that are defined too', () => {
    expect(() =>
      validateDefinitions({
        image: { visibilityTimeoutSeconds: 120, maxReceives: 5, deadLetter: 'image-dlq' },
        'image-dlq': { visibilityTimeoutSeconds: 30 },
      }),
    ).not.toThrow();
  });

  it.each([
    ['no queues at all', {}],
    ['a bad name', { 'bad name': { visibilityTimeoutSeconds: 30 } }],
    ['a negative visibility timeout', { q: { visibilityTimeoutSeconds: -1 } }],
    ['a visibility timeout above 12 hours', { q: { visibilityTimeoutSeconds: 43_201 } }],
    ['maxReceives without a dead-letter queue', { q: { visibilityTimeoutSeconds: 30, maxReceives: 3 } }],
    ['a dead-letter queue without maxReceives', { q: { visibilityTimeoutSeconds: 30, deadLetter: 'd' }, d: { visibilityTimeoutSeconds: 30 } }],
    ['maxReceives of 0', { q: { visibilityTimeoutSeconds: 30, maxReceives: 0, deadLetter: 'd' }, d: { visibilityTimeoutSeconds: 30 } }],
    ['an undefined dead-letter queue', { q: { visibilityTimeoutSeconds: 30, maxReceives: 3, deadLetter: 'missing' } }],
    ['a queue that is its own dead-letter queue', { q: { visibilityTimeoutSeconds: 30, maxReceives: 3, deadLetter: 'q' } }],
  ])('rejects %s', (_, definitions) => {
    expect(() => validateDefinitions(definitions)).toThrow(ValidationError);
  });

  it('lists every problem with its path', () => {
    try {
      validateDefinitions({ a: { visibilityTimeoutSeconds: -1, maxReceives: 2, deadLetter: 'nope' } });
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['a.visibilityTimeoutSeconds', 'a.deadLetter']);
    }
  });
});
