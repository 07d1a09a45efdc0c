import { mediaRepositoryContract } from '@mediaflow/domain/testing';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable } from './testing/dynalite-table.js';

// Every request-path read of the media repository is a key read, a Query or a BatchGetItem: the
// whole media contract runs through a recording client, and none of it may Scan the table (only
// offline jobs such as `backfillReviewIndex` do). The album, share and review-queue medium tests
// check their own adapters the same way.
const dynamo = useDynalite();

mediaRepositoryContract('dynamodb (dynalite), request shapes recorded', async () => {
  const t = await freshMediaTable(dynamo.endpoint());
  return {
    repo: new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client }),
    close: async () => {
      expect(t.names()).not.toContain('ScanCommand');
      t.close();
    },
  };
});
