import {
  createEvent,
  DOMAIN_EVENT_SCHEMAS,
  DOMAIN_EVENT_TYPES,
  DomainEventSchema,
  eventAttributes,
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
];

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
