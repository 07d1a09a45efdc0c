import { ValidationError } from '@mediaflow/domain';
import { parseJobStateChange } from './job-state.js';

const mediaId = '01JABCDEFGHJKMNPQRSTVWXYZ0';
const prefix = `s3://mediaflow-media/renditions/alice/${mediaId}`;

function event(detail: Record<string, unknown>): unknown {
  return {
    version: '0',
    id: 'c0a0f4b4-0000-0000-0000-000000000000',
    'detail-type': 'MediaConvert Job State Change',
    source: 'aws.mediaconvert',
    account: '123456789012',
    time: '2026-11-28T19:00:00Z',
    region: 'eu-west-1',
    resources: ['arn:aws:mediaconvert:eu-west-1:123456789012:jobs/1700000000000-abc123'],
    detail: {
      timestamp: 1_764_356_400_000,
      accountId: '123456789012',
      queue: 'arn:aws:mediaconvert:eu-west-1:123456789012:queues/Default',
      jobId: '1700000000000-abc123',
      userMetadata: { ownerId: 'alice', mediaId },
      ...detail,
    },
  };
}

describe('parseJobStateChange', () => {
  it('reads a completed job with its output files', () => {
    const outcome = parseJobStateChange(
      event({
        status: 'COMPLETE',
        outputGroupDetails: [
          {
            type: 'HLS_GROUP',
            playlistFilePaths: [`${prefix}/hls/master.m3u8`],
            outputDetails: [
              { outputFilePaths: [`${prefix}/hls/master_720p.m3u8`], durationInMs: 60_060, videoDetails: { widthInPx: 1280, heightInPx: 720 } },
            ],
          },
          { type: 'FILE_GROUP', outputDetails: [{ outputFilePaths: [`${prefix}/preview.mp4`], durationInMs: 60_060 }] },
        ],
      }),
    );
    expect(outcome).toEqual({
      ownerId: 'alice',
      mediaId,
      jobId: '1700000000000-abc123',
      status: 'complete',
      outputs: [
        { bucket: 'mediaflow-media', key: `renditions/alice/${mediaId}/hls/master.m3u8`, group: 'HLS_GROUP', master: true },
        { bucket: 'mediaflow-media', key: `renditions/alice/${mediaId}/hls/master_720p.m3u8`, group: 'HLS_GROUP', master: false, durationSeconds: 60.06, width: 1280, height: 720 },
        { bucket: 'mediaflow-media', key: `renditions/alice/${mediaId}/preview.mp4`, group: 'FILE_GROUP', master: false, durationSeconds: 60.06 },
      ],
    });
  });

  it('reads a failed or canceled job with its reason', () => {
    expect(parseJobStateChange(event({ status: 'ERROR', errorCode: 1030, errorMessage: 'Video codec [indeo4] is not a supported input video codec' }))).toEqual({
      ownerId: 'alice',
      mediaId,
      jobId: '1700000000000-abc123',
      status: 'error',
      error: { code: 1030, message: 'Video codec [indeo4] is not a supported input video codec' },
    });
    expect(parseJobStateChange(event({ status: 'CANCELED' }))).toMatchObject({ status: 'error', error: { message: 'the job was canceled' } });
  });

  it('reads progress', () => {
    expect(parseJobStateChange(event({ status: 'STATUS_UPDATE', jobProgress: { jobPercentComplete: 42, currentPhase: 'TRANSCODING' } }))).toMatchObject({
      status: 'progressing',
      progress: 0.42,
    });
    const started = parseJobStateChange(event({ status: 'PROGRESSING' }));
    expect(started).toMatchObject({ status: 'progressing' });
    expect(started).not.toHaveProperty('progress');
  });

  it('ignores informational states', () => {
    expect(parseJobStateChange(event({ status: 'INPUT_INFORMATION' }))).toBeUndefined();
    expect(parseJobStateChange(event({ status: 'NEW_WARNING' }))).toBeUndefined();
  });

  it('reads the correlation id the job was submitted with, and leaves out one that is not a plain token', () => {
    expect(parseJobStateChange(event({ status: 'COMPLETE', userMetadata: { ownerId: 'alice', mediaId, correlationId: 'req-42' } }))).toMatchObject({ correlationId: 'req-42' });
    expect(parseJobStateChange(event({ status: 'COMPLETE', userMetadata: { ownerId: 'alice', mediaId, correlationId: 'two\nlines' } }))).not.toHaveProperty('correlationId');
    expect(parseJobStateChange(event({ status: 'COMPLETE' }))).not.toHaveProperty('correlationId');
  });

  it('refuses events that are not state changes of a Mediaflow job', () => {
    expect(() => parseJobStateChange({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} })).toThrow(ValidationError);
    expect(() => parseJobStateChange(event({ status: 'COMPLETE', userMetadata: {} }))).toThrow(ValidationError);
    expect(() => parseJobStateChange(event({ status: 'COMPLETE', userMetadata: { ownerId: '../bob', mediaId } }))).toThrow(ValidationError);
    expect(() =>
      parseJobStateChange(event({ status: 'COMPLETE', outputGroupDetails: [{ outputDetails: [{ outputFilePaths: ['https://evil.example/x'] }] }] })),
    ).toThrow(ValidationError);
  });
});
