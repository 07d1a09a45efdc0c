import { createEvent } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { lambdaContext, memoryRuntime, sqsEvent, sqsRecord } from '../test-support.js';
import { createDocumentHandler } from './document.js';

describe('document function (SQS batch)', () => {
  it('reports only the poison record of a batch; the others are done', async () => {
    const { runtime, deps, bus } = memoryRuntime('document');
    const item = await deps.repo.create(makeMediaItem({ ownerId: 'alice', kind: 'document', status: 'uploaded' }));
    const uploaded = createEvent('media.uploaded', {
      id: '01JQ0000000000000000000099',
      occurredAt: '2026-06-01T00:00:00.000Z',
      ownerId: 'alice',
      mediaId: item.id,
      data: { kind: 'document', mime: 'application/pdf', size: 1024, sha256: 'a'.repeat(64), key: item.original.key },
    });
    const handler = createDocumentHandler(runtime);

    const result = await handler(
      sqsEvent(sqsRecord('good', JSON.stringify(uploaded)), sqsRecord('poison', '{"type":"media.uploaded","ownerId":"alice"}'), sqsRecord('not-json', 'hello')),
      lambdaContext('document'),
    );

    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['not-json', 'poison']);
    expect(await deps.repo.get('alice', item.id)).toMatchObject({ status: 'ready' });
    expect(bus.published.map((e) => e.type)).toEqual(['media.processed']);
  });
});
