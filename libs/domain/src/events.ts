import { z } from 'zod';
import { OwnerIdSchema, Sha256Schema, UlidSchema } from './ids.js';
import {
  FailureSchema,
  MediaKindSchema,
  ModerationLabelSchema,
  ModerationSchema,
  RenditionSchema,
  TagSchema,
} from './media.js';

/**
 * What a correlation id passed on from outside must look like (an `X-Request-Id` header, an id
 * read back from a queued message): short and of plain characters only, so that one taken from a
 * client can neither forge a log line nor bloat every event it causes. `=` is there for API
 * Gateway's request ids, which are base64. Events written before may carry any string up to 128.
 */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:=-]{1,128}$/;

/** Whether `value` is a correlation id that may be passed on ({@link CORRELATION_ID_PATTERN}). */
export function isCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && CORRELATION_ID_PATTERN.test(value);
}

/**
 * Domain events are the public API of the event bus. Versioning rule: within one `version` a change
 * is additive only (a new optional field); a breaking change is published as a new version of the
 * same `type`, and both versions are published side by side while consumers move over.
 */
const envelope = {
  /** ULID of the event: consumers de-duplicate on it (delivery is at least once). */
  id: UlidSchema,
  occurredAt: z.iso.datetime({ offset: true }),
  ownerId: OwnerIdSchema,
  mediaId: UlidSchema,
  /** The id of the request or event that caused this one, for tracing. */
  correlationId: z.string().max(128).optional(),
};

function event<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({ ...envelope, type: z.literal(type), version: z.literal(1), data });
}

export const UploadStartedEventSchema = event(
  'media.upload_started',
  z.object({ filename: z.string().max(255), size: z.number().int().nonnegative(), multipart: z.boolean() }),
);

export const UploadedEventSchema = event(
  'media.uploaded',
  z.object({
    kind: MediaKindSchema,
    mime: z.string().max(255),
    size: z.number().int().nonnegative(),
    sha256: Sha256Schema,
    key: z.string().max(1024),
  }),
);

export const ProcessedEventSchema = event(
  'media.processed',
  z.object({ kind: MediaKindSchema, renditions: z.array(RenditionSchema).max(500) }),
);

export const TaggedEventSchema = event(
  'media.tagged',
  z.object({ kind: MediaKindSchema, tags: z.array(TagSchema).max(100), moderation: ModerationSchema }),
);

export const FlaggedEventSchema = event(
  'media.flagged',
  z.object({ kind: MediaKindSchema, labels: z.array(ModerationLabelSchema).max(50) }),
);

export const FailedEventSchema = event('media.failed', z.object({ kind: MediaKindSchema.optional(), failure: FailureSchema }));

export const DeletedEventSchema = event('media.deleted', z.object({ kind: MediaKindSchema.optional() }));

/**
 * Album events: the same envelope with `albumId` in place of `mediaId`. They carry no `kind`, so
 * no processing queue (all filtered by kind or by a media event type) receives them; they are for
 * subscribers outside the pipeline (a search index, an audit log, a notification service).
 */
function albumEvent<T extends string, D extends z.ZodType>(type: T, data: D) {
  const { id, occurredAt, ownerId, correlationId } = envelope;
  return z.object({ id, occurredAt, ownerId, correlationId, albumId: UlidSchema, type: z.literal(type), version: z.literal(1), data });
}

const MediaIdsSchema = z.array(UlidSchema).min(1).max(500);

export const AlbumCreatedEventSchema = albumEvent('album.created', z.object({ name: z.string().max(120) }));
export const AlbumUpdatedEventSchema = albumEvent(
  'album.updated',
  z.object({ name: z.string().max(120), coverMediaId: UlidSchema.optional() }),
);
export const AlbumDeletedEventSchema = albumEvent('album.deleted', z.object({}));
export const AlbumItemsAddedEventSchema = albumEvent('album.items_added', z.object({ mediaIds: MediaIdsSchema, itemCount: z.number().int().nonnegative() }));
export const AlbumItemsRemovedEventSchema = albumEvent(
  'album.items_removed',
  z.object({ mediaIds: MediaIdsSchema, itemCount: z.number().int().nonnegative() }),
);

export const DomainEventSchema = z.discriminatedUnion('type', [
  UploadStartedEventSchema,
  UploadedEventSchema,
  ProcessedEventSchema,
  TaggedEventSchema,
  FlaggedEventSchema,
  FailedEventSchema,
  DeletedEventSchema,
  AlbumCreatedEventSchema,
  AlbumUpdatedEventSchema,
  AlbumDeletedEventSchema,
  AlbumItemsAddedEventSchema,
  AlbumItemsRemovedEventSchema,
]);
export type DomainEvent = z.infer<typeof DomainEventSchema>;
export type DomainEventType = DomainEvent['type'];
export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
/** The events about one media item (every event but the album ones): what the processing queues receive. */
export type MediaEvent = Extract<DomainEvent, { mediaId: string }>;
export type AlbumEvent = Exclude<DomainEvent, MediaEvent>;

/** Whether `event` is about one media item (it has a `mediaId`). */
export function isMediaEvent(event: DomainEvent): event is MediaEvent {
  return 'mediaId' in event;
}

export const DOMAIN_EVENT_TYPES = DomainEventSchema.options.map((o) => o.shape.type.value) as DomainEventType[];

/** Every schema by type, for consumers that validate one kind of message. */
export const DOMAIN_EVENT_SCHEMAS = {
  'media.upload_started': UploadStartedEventSchema,
  'media.uploaded': UploadedEventSchema,
  'media.processed': ProcessedEventSchema,
  'media.tagged': TaggedEventSchema,
  'media.flagged': FlaggedEventSchema,
  'media.failed': FailedEventSchema,
  'media.deleted': DeletedEventSchema,
  'album.created': AlbumCreatedEventSchema,
  'album.updated': AlbumUpdatedEventSchema,
  'album.deleted': AlbumDeletedEventSchema,
  'album.items_added': AlbumItemsAddedEventSchema,
  'album.items_removed': AlbumItemsRemovedEventSchema,
} as const satisfies Record<DomainEventType, z.ZodType>;

/**
 * Builds a valid event (parsed, so a bad field fails here and not in a consumer).
 *
 * @example
 * createEvent('media.deleted', { id: ids.next(), occurredAt: now, ownerId, mediaId, data: {} });
 */
export function createEvent<T extends DomainEventType>(
  type: T,
  fields: Omit<DomainEventOf<T>, 'type' | 'version' | 'occurredAt'> & { occurredAt: Date | string },
): DomainEventOf<T> {
  const occurredAt = typeof fields.occurredAt === 'string' ? fields.occurredAt : fields.occurredAt.toISOString();
  return DOMAIN_EVENT_SCHEMAS[type].parse({ ...fields, occurredAt, type, version: 1 }) as DomainEventOf<T>;
}

/**
 * The message attributes used for routing (SNS subscription filter policies, the local bus):
 * always `type`, and `kind` when the event knows it.
 */
export function eventAttributes(event: DomainEvent): Record<string, string> {
  const attributes: Record<string, string> = { type: event.type };
  if ('kind' in event.data && event.data.kind !== undefined) attributes['kind'] = event.data.kind;
  return attributes;
}

/** Parses an event from a queue message body; throws `ZodError` on anything else. */
export function parseEvent(body: string | unknown): DomainEvent {
  return DomainEventSchema.parse(typeof body === 'string' ? JSON.parse(body) : body);
}
