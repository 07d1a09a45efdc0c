import fc from 'fast-check';
import { PatternError } from './errors.js';
import { compileFilterPolicy, type MessageAttributes } from './filter-policy.js';

const text = (value: string) => ({ DataType: 'String', StringValue: value });
const number = (value: number | string) => ({ DataType: 'Number', StringValue: String(value) });
const list = (values: unknown[]) => ({ DataType: 'String.Array', StringValue: JSON.stringify(values) });

function attrs(policy: Record<string, unknown>, attributes: MessageAttributes): boolean {
  return compileFilterPolicy(policy, 'MessageAttributes')({ body: '{}', attributes });
}

function body(policy: Record<string, unknown>, value: unknown): boolean {
  return compileFilterPolicy(policy, 'MessageBody')({ body: JSON.stringify(value), attributes: {} });
}

describe('compileFilterPolicy, attribute scope', () => {
  it('routes the stage events as its subscriptions do', () => {
    const image = { type: ['media.uploaded'], kind: ['image'] };
    const tagging = { type: ['media.processed'], kind: ['image', 'video', 'audio'] };
    const uploadedImage = { type: text('media.uploaded'), kind: text('image') };
    const processedVideo = { type: text('media.processed'), kind: text('video') };
    expect(attrs(image, uploadedImage)).toBe(true);
    expect(attrs(image, processedVideo)).toBe(false);
    expect(attrs(tagging, processedVideo)).toBe(true);
    expect(attrs(tagging, { type: text('media.processed'), kind: text('document') })).toBe(false);
    // A message lacking a key the policy names does not match.
    expect(attrs(image, { type: text('media.uploaded') })).toBe(false);
  });

  it('lets every message through without a policy or with an empty one', () => {
    expect(compileFilterPolicy(undefined)({ body: 'x', attributes: {} })).toBe(true);
    expect(attrs({}, {})).toBe(true);
  });

  it('compares numbers by value and never a number with a string', () => {
    expect(attrs({ size: [100] }, { size: number('1e2') })).toBe(true);
    expect(attrs({ size: [100] }, { size: text('100') })).toBe(false);
    expect(attrs({ size: ['100'] }, { size: number(100) })).toBe(false);
    expect(attrs({ size: [{ numeric: ['>', 0, '<=', 5] }] }, { size: number(5) })).toBe(true);
    expect(attrs({ size: [{ numeric: ['>', 0, '<=', 5] }] }, { size: number(6) })).toBe(false);
    expect(attrs({ size: [{ numeric: ['=', 3.5] }] }, { size: number('3.50') })).toBe(true);
  });

  it('matches String.Array attributes when any element matches', () => {
    expect(attrs({ tags: ['cat'] }, { tags: list(['dog', 'cat']) })).toBe(true);
    expect(attrs({ tags: ['cow'] }, { tags: list(['dog', 'cat']) })).toBe(false);
    expect(attrs({ tags: [{ 'anything-but': ['dog'] }] }, { tags: list(['dog', 'cat']) })).toBe(true);
    expect(attrs({ tags: [{ 'anything-but': ['dog'] }] }, { tags: list(['dog']) })).toBe(false);
  });

  it('supports prefix, suffix, equals-ignore-case and anything-but forms', () => {
    const key = (value: string) => ({ key: text(value) });
    expect(attrs({ key: [{ prefix: 'originals/' }] }, key('originals/a.jpg'))).toBe(true);
    expect(attrs({ key: [{ prefix: 'originals/' }] }, key('renditions/a.jpg'))).toBe(false);
    expect(attrs({ key: [{ suffix: '.jpg' }] }, key('a.jpg'))).toBe(true);
    expect(attrs({ key: [{ suffix: { 'equals-ignore-case': '.JPG' } }] }, key('a.jpg'))).toBe(true);
    expect(attrs({ key: [{ 'equals-ignore-case': 'IMAGE' }] }, key('Image'))).toBe(true);
    expect(attrs({ key: [{ 'anything-but': 'a' }] }, key('b'))).toBe(true);
    expect(attrs({ key: [{ 'anything-but': { prefix: 'tmp/' } }] }, key('tmp/x'))).toBe(false);
    expect(attrs({ key: [{ 'anything-but': { prefix: 'tmp/' } }] }, key('keep/x'))).toBe(true);
    expect(attrs({ key: [{ 'anything-but': [1, 2] }] }, { key: number(3) })).toBe(true);
    expect(attrs({ key: [{ 'anything-but': [1, 2] }] }, { key: number(2) })).toBe(false);
  });

  it('needs the attribute present for anything-but, and absent for exists: false', () => {
    expect(attrs({ kind: [{ 'anything-but': 'image' }] }, {})).toBe(false);
    expect(attrs({ kind: [{ exists: false }] }, {})).toBe(true);
    expect(attrs({ kind: [{ exists: false }] }, { kind: text('image') })).toBe(false);
    expect(attrs({ kind: [{ exists: true }] }, { kind: text('image') })).toBe(true);
    expect(attrs({ kind: [{ exists: true }] }, {})).toBe(false);
  });

  it('ignores binary attributes, as SNS filtering does', () => {
    expect(attrs({ blob: [{ exists: true }] }, { blob: { DataType: 'Binary', BinaryValue: Buffer.from('x') } })).toBe(false);
  });

  it('ORs the alternatives of $or, each ANDing its own keys', () => {
    const policy = { $or: [{ type: ['media.deleted'] }, { type: ['media.uploaded'], kind: ['video'] }] };
    expect(attrs(policy, { type: text('media.deleted') })).toBe(true);
    expect(attrs(policy, { type: text('media.uploaded'), kind: text('video') })).toBe(true);
    expect(attrs(policy, { type: text('media.uploaded'), kind: text('image') })).toBe(false);
  });

  it('refuses nested keys, unknown operators and malformed conditions at compile time', () => {
    expect(() => compileFilterPolicy({ detail: { kind: ['image'] } }, 'MessageAttributes')).toThrow(PatternError);
    expect(() => compileFilterPolicy({ kind: [{ regex: '.*' }] })).toThrow(/not emulated/);
    expect(() => compileFilterPolicy({ kind: 'image' })).toThrow(PatternError);
    expect(() => compileFilterPolicy({ size: [{ numeric: ['>>', 1] }] })).toThrow(PatternError);
  });

  it('agrees with a plain set lookup for exact strings (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), fc.option(fc.string(), { nil: undefined }), (values, actual) => {
        const message = actual === undefined ? {} : { k: text(actual) };
        expect(attrs({ k: values }, message)).toBe(actual !== undefined && values.includes(actual));
        expect(attrs({ k: [{ 'anything-but': values }] }, message)).toBe(actual !== undefined && !values.includes(actual));
      }),
    );
  });
});

describe('compileFilterPolicy, body scope', () => {
  it('walks nested keys of the JSON body', () => {
    const policy = { type: ['media.uploaded'], data: { kind: ['image'], size: [{ numeric: ['<', 1000] }] } };
    expect(body(policy, { type: 'media.uploaded', data: { kind: 'image', size: 10 } })).toBe(true);
    expect(body(policy, { type: 'media.uploaded', data: { kind: 'image', size: 5000 } })).toBe(false);
    expect(body(policy, { type: 'media.uploaded' })).toBe(false);
  });

  it('does not match a body that is not JSON', () => {
    expect(compileFilterPolicy({ type: ['x'] }, 'MessageBody')({ body: 'plain text', attributes: {} })).toBe(false);
  });

  it('matches exists: false for a key under a missing parent', () => {
    expect(body({ data: { replaced: [{ exists: false }] } }, { type: 'x' })).toBe(true);
  });
});
