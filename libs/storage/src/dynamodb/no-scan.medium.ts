import { mediaRepositoryContract, mediaSearchContract } from '@mediaflow/domain/testing';
import { DynamoAlbumRepository } from './dynamo-album-repository.js';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { DynamoMediaSearch } from './dynamo-media-search.js';
import { useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable } from './testing/dynalite-table.js';

// Every request-path read of the media repository and of search is a key read, a Query or a
// BatchGetItem: the whole media and search contracts run through a recording client, and none of
// it may Scan the table (only offline jobs such as `backfillTable` do). The album, share and
// review-queue medium tests check their own adapters the same way.
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

mediaSearchContract('dynamodb (dynalite), request shapes recorded', async () => {
  const t = await freshMediaTable(dynamo.endpoint());
  const config = { tableName: t.tableName };
  return {
    repo: new DynamoMediaRepository(config, { client: t.client }),
    albums: new DynamoAlbumRepository(config, { client: t.client }),
    search: new DynamoMediaSearch(config, { client: t.client }),
    close: async () => {
      const names = t.names();
      expect(names).not.toContain('ScanCommand');
      // Reads are key reads, Queries and BatchGetItem; writes are the repositories' own.
      expect(names.filter((n) => !['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'PutItemCommand', 'TransactWriteItemsCommand', 'UpdateItemCommand'].includes(n))).toEqual([]);
      t.close();
    },
  };
});
