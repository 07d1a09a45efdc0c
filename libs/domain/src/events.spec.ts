import {
  createEvent,
  DOMAIN_EVENT_SCHEMAS,
  DOMAIN_EVENT_TYPES,
  DomainEventSchema,
  eventAttributes,
  isMediaEvent,
  parseEvent,
  type DomainEvent,
} from './events.js';
import { ulidGenerator } from './ids.js';

const base = () => ({ id: ulidGenerator.next(), occurredAt: new Date('2026-05-01T00:00:00Z'), ownerId: 'alice', mediaId: ulidGenerator.next() });

const samples: DomainEvent[] = [
  createEvent('media.upload_started', { ...base(), data: { filename: 'a.jpg', size: 10, multipart: false } }),
  createEvent('media.uploaded', { ...base(), data: { kind: 'image', mime: 'image/jpeg', size: 10, sha256: 'a'.repeat(64), key: 'originals/alice/x' } }),
  createEvent('media.processed', {
    ...base(),
    data: { kind: 'video', renditions: [{ name: 'hls/master', format: 'm3u8', key: 'k', contentType: 'application/vnd.apple.mpegurl', bytes: 300 }] },
  }),
  createEvent('media.tagged', { ...base(), data: { kind: 'image', tags: [{ name: 'dog', confidence: 0.9, source: 'ai' }], moderation: { verdict: 'safe', labels: [] } } }),
  createEvent('media.flagged', { ...base(), data: { kind: 'image', labels: [{ name: 'Explicit', confidence: 0.99 }] } }),
  createEvent('media.failed', { ...base(), data: { failure: { code: 'corrupt', reason: 'truncated', stage: 'ingest' } } }),
  createEvent('media.deleted', { ...base(), data: {} }),
  ...albumSamples(),
];

function albumSamples(): DomainEvent[] {
  const album = () => ({ id: ulidGenerator.next(), occurredAt: new Date('2026-05-01T00:00:00Z'), ownerId: 'alice', albumId: ulidGenerator.next() });
  const mediaIds = [ulidGenerator.next()];
  return [
    createEvent('album.created', { ...album(), data: { name: 'Summer' } }),
    createEvent('album.updated', { ...album(), data: { name: 'Summer 2026', coverMediaId: mediaIds[0] } }),
    createEvent('album.deleted', { ...album(), data: {} }),
    createEvent('album.items_added', { ...album(), data: { mediaIds, itemCount: 1 } }),
    createEvent('album.items_removed', { ...album(), data: { mediaIds, itemCount: 0 } }),
  ];
}

describe('domain events', () => {
  it('has one sample per type and every type has a schema', () => {
    expect(samples.map((e) => e.type).sort()).toEqual([...DOMAIN_EVENT_TYPES].sort());
    expect(Object.keys(DOMAIN_EVENT_SCHEMAS).sort()).toEqual([...DOMAIN_EVENT_TYPES].sort());
  });

  it.each(samples.map((e) => [e.type, e] as const))('%s round-trips through JSON as version 1', (_type, event) => {
    expect(event.version).toBe(1);
    expect(parseEvent(JSON.stringify(event))).toEqual(event);
  });

  it('routes by type and by kind when the event knows it', () => {
    expect(eventAttributes(samples[1] as DomainEvent)).toEqual({ type: 'media.uploaded', kind: 'image' });
    expect(eventAttributes(samples[0] as DomainEvent)).toEqual({ type: 'media.upload_started' });
    expect(eventAttributes(samples[6] as DomainEvent)).toEqual({ type: 'media.deleted' });
  });

  it('tells album events from media events, and gives album events no kind, so no processing queue receives them', () => {
    const albumEvents = samples.filter((e) => !isMediaEvent(e));
    expect(albumEvents.map((e) => e.type)).toEqual(['album.created', 'album.updated', 'album.deleted', 'album.items_added', 'album.items_removed']);
    for (const event of albumEvents) expect(eventAttributes(event)).toEqual({ type: event.type });
    expect(DomainEventSchema.safeParse({ ...(albumEvents[0] as DomainEvent), albumId: 'not-a-ulid' }).success).toBe(false);
  });

  it('refuses an unknown type, an unknown version and a data payload of another type', () => {
    const uploaded = samples[1] as DomainEvent;
    expect(DomainEventSchema.safeParse({ ...uploaded, type: 'media.exploded' }).success).toBe(false);
    expect(DomainEventSchema.safeParse({ ...uploaded, version: 2 }).success).toBe(false);
    expect(DomainEventSchema.safeParse({ ...uploaded, data: { filename: 'a', size: 1, multipart: true } }).success).toBe(false);
    expect(DomainEventSchema.safeParse({ ...uploaded, ownerId: '../x' }).success).toBe(false);
    expect(() => parseEvent('not json')).toThrow();
  });

  it('validates when building, so a bad event never reaches the bus', () => {
    expect(() => createEvent('media.uploaded', { ...base(), data: { kind: 'image', mime: 'image/jpeg', size: -1, sha256: 'x', key: 'k' } })).toThrow();
  });
});
