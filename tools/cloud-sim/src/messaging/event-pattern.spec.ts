import { compileEventPattern } from './event-pattern.js';

const QUEUE_ARN = 'arn:aws:mediaconvert:us-east-1:123456789012:queues/Mediaflow-dev';

/** The stage's rule for MediaConvert job state changes. */
const JOB_STATE_RULE = {
  source: ['aws.mediaconvert'],
  'detail-type': ['MediaConvert Job State Change'],
  detail: { queue: [QUEUE_ARN], status: ['SUBMITTED', 'PROGRESSING', 'STATUS_UPDATE', 'COMPLETE', 'ERROR', 'CANCELED'] },
};

function jobEvent(detail: Record<string, unknown>, source = 'aws.mediaconvert'): Record<string, unknown> {
  return {
    version: '0',
    id: 'e-1',
    'detail-type': 'MediaConvert Job State Change',
    source,
    account: '123456789012',
    time: '2026-06-01T00:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:mediaconvert:us-east-1:123456789012:jobs/1`],
    detail: { queue: QUEUE_ARN, jobId: '1', status: 'COMPLETE', ...detail },
  };
}

describe('compileEventPattern', () => {
  const matches = compileEventPattern(JOB_STATE_RULE);

  it('matches the stage rule on source, detail-type, the queue ARN and a listed status', () => {
    expect(matches(jobEvent({}))).toBe(true);
    expect(matches(jobEvent({ status: 'ERROR' }))).toBe(true);
  });

  it('does not match another queue, an unlisted status, or another source', () => {
    expect(matches(jobEvent({ queue: 'arn:aws:mediaconvert:us-east-1:123456789012:queues/Default' }))).toBe(false);
    expect(matches(jobEvent({ status: 'INPUT_INFORMATION' }))).toBe(false);
    expect(matches(jobEvent({}, 'mediaflow.api'))).toBe(false);
    expect(matches(jobEvent({ queue: undefined }))).toBe(false);
  });

  it('matches an array in the event when any element matches', () => {
    const byResource = compileEventPattern({ resources: [{ suffix: 'jobs/1' }] });
    expect(byResource(jobEvent({}))).toBe(true);
    expect(compileEventPattern({ resources: ['arn:other'] })(jobEvent({}))).toBe(false);
    const byOutput = compileEventPattern({ detail: { outputGroupDetails: { type: ['HLS_GROUP'] } } });
    expect(byOutput(jobEvent({ outputGroupDetails: [{ type: 'FILE_GROUP' }, { type: 'HLS_GROUP' }] }))).toBe(true);
    expect(byOutput(jobEvent({ outputGroupDetails: [{ type: 'FILE_GROUP' }] }))).toBe(false);
  });

  it('supports numeric, wildcard, null, booleans, cidr and $or', () => {
    expect(compileEventPattern({ detail: { percent: [{ numeric: ['>=', 50] }] } })(jobEvent({ percent: 75 }))).toBe(true);
    expect(compileEventPattern({ detail: { jobId: [{ wildcard: '1*' }] } })(jobEvent({ jobId: '1234' }))).toBe(true);
    expect(compileEventPattern({ detail: { errorCode: [null] } })(jobEvent({ errorCode: null }))).toBe(true);
    expect(compileEventPattern({ detail: { errorCode: [null] } })(jobEvent({}))).toBe(false);
    expect(compileEventPattern({ detail: { retry: [false] } })(jobEvent({ retry: false }))).toBe(true);
    expect(compileEventPattern({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } })(jobEvent({ ip: '10.0.0.7' }))).toBe(true);
    expect(compileEventPattern({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } })(jobEvent({ ip: '10.0.1.7' }))).toBe(false);
    const either = compileEventPattern({ detail: { $or: [{ status: ['ERROR'] }, { percent: [{ numeric: ['=', 100] }] }] } });
    expect(either(jobEvent({ status: 'ERROR' }))).toBe(true);
    expect(either(jobEvent({ status: 'COMPLETE', percent: 100 }))).toBe(true);
    expect(either(jobEvent({ status: 'COMPLETE', percent: 10 }))).toBe(false);
  });
});
