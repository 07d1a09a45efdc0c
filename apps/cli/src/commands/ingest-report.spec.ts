import { captureIo } from '../testing.js';
import { ingestProgress, ingestReport, type IngestResult } from './ingest-report.js';

const ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

describe('what ingest reports', () => {
  it('gives each file a status: processed (ready or flagged), uploaded when not waited for, duplicate or failed', () => {
    const results: IngestResult[] = [
      { path: '/a.jpg', outcome: 'uploaded', id: ID, status: 'ready' },
      { path: '/b.jpg', outcome: 'uploaded', id: ID, status: 'flagged' },
      { path: '/c.mp4', outcome: 'uploaded', id: ID, resumed: { alreadySent: 2, partCount: 3 } },
      { path: '/d.jpg', outcome: 'duplicate', id: ID, reason: 'the same content as another item' },
      { path: '/e.jpg', outcome: 'failed', reason: 'the file is empty', restarted: 'the server no longer knows the earlier upload' },
    ];
    expect(ingestReport(results)).toEqual({
      files: [
        { path: '/a.jpg', status: 'ready', id: ID },
        { path: '/b.jpg', status: 'flagged', id: ID },
        { path: '/c.mp4', status: 'uploaded', id: ID, resumed: { alreadySent: 2, partCount: 3 } },
        { path: '/d.jpg', status: 'duplicate', id: ID },
        { path: '/e.jpg', status: 'failed', error: 'the file is empty', restarted: 'the server no longer knows the earlier upload' },
      ],
      summary: { total: 5, ready: 1, flagged: 1, uploaded: 1, duplicate: 1, failed: 1 },
    });
  });

  it('draws progress in place on a terminal and writes one plain line per event elsewhere', () => {
    const events = (progress: ReturnType<typeof ingestProgress>) => {
      progress.started('/a.jpg');
      progress.sent(1048576);
      progress.finished({ path: '/a.jpg', outcome: 'uploaded', id: ID, status: 'ready' });
      progress.started('/b.jpg');
      progress.sent(1048576);
      progress.finished({ path: '/b.jpg', outcome: 'failed', reason: 'HTTP 500' });
      progress.end();
    };
    const terminal = captureIo();
    events(ingestProgress(terminal, { files: 2, bytes: 2 * 1048576 }, true));
    expect(terminal.err().split('\r')).toEqual([
      '',
      `[${'.'.repeat(30)}] 0/2 files, 0.0/2.0 MiB`,
      `[${'#'.repeat(15)}${'.'.repeat(15)}] 0/2 files, 1.0/2.0 MiB`,
      `[${'#'.repeat(15)}${'.'.repeat(15)}] 1/2 files, 1.0/2.0 MiB`,
      `[${'#'.repeat(30)}] 1/2 files, 2.0/2.0 MiB`,
      `[${'#'.repeat(30)}] 2/2 files, 2.0/2.0 MiB\n`,
    ]);
    const pipe = captureIo();
    events(ingestProgress(pipe, { files: 2, bytes: 2 * 1048576 }, false));
    expect(pipe.err()).toBe(`started /a.jpg\nready /a.jpg (${ID})\nstarted /b.jpg\nfailed /b.jpg: HTTP 500\n`);
    expect(terminal.out() + pipe.out()).toBe('');
  });
});
