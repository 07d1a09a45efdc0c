// A consumer of Mediaflow's event bus and domain libraries, as another team would write it: it
// receives a `media.processed` message, validates it, works out where the files live, and plans
// the renditions Mediaflow would make for a 12 MP photo.
import { strict as assert } from 'node:assert';
import { parseEvent, parseKey, renditionKey, type DomainEventOf } from '@mediaflow/domain';
import { planRenditions } from '@mediaflow/image-pipeline';

const message = JSON.stringify({
  id: '01JQ0000000000000000000001',
  type: 'media.processed',
  version: 1,
  occurredAt: '2026-06-01T10:00:00.000Z',
  ownerId: 'alice',
  mediaId: '01JQ0000000000000000000002',
  data: {
    kind: 'image',
    renditions: [
      { name: 'thumb', format: 'webp', key: 'renditions/alice/01JQ0000000000000000000002/thumb.webp', contentType: 'image/webp', bytes: 9000, width: 256, height: 192 },
    ],
  },
});

const event = parseEvent(message);
assert.equal(event.type, 'media.processed');
const processed = event as DomainEventOf<'media.processed'>;
const first = processed.data.renditions[0];
assert.ok(first);
assert.deepEqual(parseKey(first.key), { type: 'rendition', ownerId: 'alice', mediaId: processed.mediaId, path: 'thumb.webp' });
assert.equal(renditionKey('alice', processed.mediaId, 'medium', 'avif'), 'renditions/alice/01JQ0000000000000000000002/medium.avif');

// A forged message fails validation instead of flowing on.
assert.throws(() => parseEvent(JSON.stringify({ ...JSON.parse(message), ownerId: '../bob' })));

const plan = planRenditions({ width: 4000, height: 3000 });
const names = [...new Set(plan.outputs.map((o) => o.name))];
assert.deepEqual(names, ['thumb', 'small', 'medium', 'large']);
const large = plan.outputs.find((o) => o.name === 'large');
assert.equal(large?.width, 2048);

console.log(`consumer: validated ${event.type}, ${plan.outputs.length} renditions planned (${names.join(', ')})`);
