import { MediaUpdateSchema, UploadRequestSchema } from './upload.js';

describe('UploadRequestSchema', () => {
  it('accepts a plain request and one with hints', () => {
    expect(UploadRequestSchema.safeParse({ filename: 'a.jpg', size: 1 }).success).toBe(true);
    expect(UploadRequestSchema.safeParse({ filename: '../../a.jpg', size: 10, contentType: 'image/jpeg', sha256: 'b'.repeat(64) }).success).toBe(true);
  });

  it.each([
    {},
    { filename: '', size: 1 },
    { filename: 'a', size: 0 },
    { filename: 'a', size: -5 },
    { filename: 'a', size: 1.5 },
    { filename: 'a', size: 6 * 1024 ** 4 },
    { filename: 'a', size: '12' },
    { filename: 'a', size: 1, contentType: 'jpeg' },
    { filename: 'a', size: 1, sha256: 'XYZ' },
    { filename: 'x'.repeat(1025), size: 1 },
  ])('refuses %j', (body) => {
    expect(UploadRequestSchema.safeParse(body).success).toBe(false);
  });
});

describe('MediaUpdateSchema', () => {
  it('normalises and de-duplicates user tags', () => {
    expect(MediaUpdateSchema.parse({ tags: ['Dog', ' dog ', 'Golden  Retriever'] })).toEqual({ tags: ['dog', 'golden retriever'] });
  });

  it('accepts a title change and a title removal', () => {
    expect(MediaUpdateSchema.parse({ title: 'Hello' })).toEqual({ title: 'Hello' });
    expect(MediaUpdateSchema.parse({ title: null })).toEqual({ title: null });
  });

  it('accepts a description up to 2000 characters, and null, empty or blank to clear it', () => {
    const long = 'x'.repeat(2000);
    expect(MediaUpdateSchema.parse({ description: long })).toEqual({ description: long });
    // The schema keeps what was sent; `updateMedia` trims, and an empty result clears.
    for (const description of [null, '', '   ']) expect(MediaUpdateSchema.parse({ description })).toEqual({ description });
  });

  it.each([
    {},
    { tags: ['!!!'] },
    { title: 'x'.repeat(201) },
    { description: 'x'.repeat(2001) },
    { description: 42 },
    { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) },
    { tags: 'dog' },
  ])(
    'refuses %j',
    (body) => {
      expect(MediaUpdateSchema.safeParse(body).success).toBe(false);
    },
  );
});
