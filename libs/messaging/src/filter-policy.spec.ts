import { matchesPolicy } from './filter-policy.js';

describe('matchesPolicy', () => {
  const uploadedImage = { type: 'media.uploaded', kind: 'image' };

  it('matches everything with an empty policy', () => {
    expect(matchesPolicy(uploadedImage, {})).toBe(true);
    expect(matchesPolicy({}, {})).toBe(true);
  });

  it('needs every listed attribute to have one of its values', () => {
    expect(matchesPolicy(uploadedImage, { type: ['media.uploaded'], kind: ['image', 'audio'] })).toBe(true);
    expect(matchesPolicy(uploadedImage, { type: ['media.uploaded'], kind: ['video'] })).toBe(false);
  });

  it('does not match when a listed attribute is missing', () => {
    expect(matchesPolicy({ type: 'media.deleted' }, { kind: ['image'] })).toBe(false);
  });
});
