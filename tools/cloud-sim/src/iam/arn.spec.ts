import fc from 'fast-check';
import { arnLike, parseArn } from './arn.js';

describe('arnLike', () => {
  it.each([
    ['arn:aws:s3:::media/originals/*', 'arn:aws:s3:::media/originals/o/a/b.jpg', true],
    ['arn:aws:s3:::media/originals/*', 'arn:aws:s3:::media/renditions/x', false],
    ['arn:aws:s3:::media/originals/*', 'arn:aws:s3:::media', false],
    ['arn:aws:s3:::media', 'arn:aws:s3:::media/originals/a.jpg', false],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/Media', 'arn:aws:dynamodb:us-east-1:123456789012:table/Media', true],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/Media', 'arn:aws:dynamodb:us-east-1:123456789012:table/Media/index/GSI1', false],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/Media/index/*', 'arn:aws:dynamodb:us-east-1:123456789012:table/Media/index/GSI1', true],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/Media/index/*', 'arn:aws:dynamodb:us-east-1:123456789012:table/Media', false],
    ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:*', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:Media-errors', true],
    ['arn:aws:mediaconvert:us-east-1:123456789012:jobs/*', 'arn:aws:mediaconvert:us-east-1:123456789012:jobs/1700000000-abc', true],
    ['arn:aws:sqs:*:123456789012:EventsImageQueue', 'arn:aws:sqs:eu-west-1:123456789012:EventsImageQueue', true],
    ['arn:aws:sqs:*:123456789012:EventsImageQueue', 'arn:aws:sqs:eu-west-1:999999999999:EventsImageQueue', false],
    ['*', 'arn:aws:s3:::anything/at/all', true],
    ['arn:aws:sns:*', 'arn:aws:sns:us-east-1:123456789012:EventsTopic', true],
  ])('%s matches %s: %s', (pattern, arn, expected) => {
    expect(arnLike(pattern, arn)).toBe(expected);
  });

  it('keeps a wildcard inside one of the leading fields', () => {
    // Matched as one string, `*` would stretch over the next colons; IAM matches field by field.
    expect(arnLike('arn:aws:sqs:*:*:queue', 'arn:aws:sqs:us-east-1:123456789012:other:queue')).toBe(false);
    expect(arnLike('arn:aws:sqs:us-*:123456789012:queue', 'arn:aws:sqs:us-east-1:1:2:123456789012:queue')).toBe(false);
    expect(arnLike('arn:aws:sqs:us-*:123456789012:queue', 'arn:aws:sqs:us-east-1:123456789012:queue')).toBe(true);
    expect(arnLike('arn:aws:s3:::*', 'arn:aws:s3:::media/a:b')).toBe(true);
  });

  it('matches a pattern with fewer than six fields against the whole ARN', () => {
    expect(arnLike('arn:aws:sqs:*:queue', 'arn:aws:sqs:us-east-1:123456789012:queue')).toBe(true);
    expect(arnLike('arn:aws:sqs:*:queue', 'arn:aws:sqs:us-east-1:123456789012:other')).toBe(false);
  });

  it('matches the resource part across `/` and `:` at any depth', () => {
    const segment = fc.stringMatching(/^[a-z0-9._-]{1,8}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.constantFrom('/', ':'), (segments, separator) => {
        const key = segments.join(separator);
        expect(arnLike('arn:aws:s3:::media/originals/*', `arn:aws:s3:::media/originals/${key}`)).toBe(true);
        expect(arnLike('arn:aws:s3:::media/originals/*', `arn:aws:s3:::media/renditions/${key}`)).toBe(false);
      }),
    );
  });
});

describe('parseArn', () => {
  it('splits the first five fields and keeps colons in the resource', () => {
    expect(parseArn('arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api:*')).toEqual({
      partition: 'aws',
      service: 'logs',
      region: 'us-east-1',
      account: '123456789012',
      resource: 'log-group:/aws/lambda/api:*',
    });
  });

  it('refuses text that is not an ARN', () => {
    expect(parseArn('123456789012')).toBeUndefined();
    expect(parseArn('urn:aws:s3:::bucket:x')).toBeUndefined();
  });
});
