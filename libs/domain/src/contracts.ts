import { z } from 'zod';
import { DOMAIN_EVENT_SCHEMAS, DOMAIN_EVENT_TYPES, type DomainEventType } from './events.js';
import { MediaItemSchema, MediaKindSchema } from './media.js';

/**
 * Machine-readable contracts generated from the zod schemas, so that services in other languages
 * can validate what Mediaflow publishes: a JSON Schema per event and for the media item, and an
 * AsyncAPI document for the event topic. `docs/contracts/` holds the committed copies; a test
 * regenerates them and fails on drift.
 */

// A URN, not a URL: the schemas are identified, not hosted anywhere.
const SCHEMA_BASE = 'urn:mediaflow:contracts:';

function jsonSchema(schema: z.ZodType, id: string, title: string): Record<string, unknown> {
  // `output`: what a consumer receives (defaults applied); refinements cannot be expressed and are
  // left out, which only makes the published schema a little more permissive than the parser.
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: `${SCHEMA_BASE}${id}`, title, ...rest };
}

/** The file name of an event's schema, by type and version: `media.uploaded.v1.schema.json`. */
export function eventSchemaFile(type: DomainEventType, version = 1): string {
  return `events/${type}.v${version}.schema.json`;
}

/** JSON Schema (2020-12) of one domain event, envelope included. */
export function eventJsonSchema(type: DomainEventType): Record<string, unknown> {
  return jsonSchema(DOMAIN_EVENT_SCHEMAS[type], eventSchemaFile(type), `Mediaflow event ${type} (version 1)`);
}

/** JSON Schema (2020-12) of a media item as the repositories store it. */
export function mediaItemJsonSchema(): Record<string, unknown> {
  return jsonSchema(MediaItemSchema, 'media-item.schema.json', 'Mediaflow media item');
}

const MESSAGE_DESCRIPTIONS: Record<DomainEventType, string> = {
  'media.upload_started': 'An upload was accepted and its item created (status `uploading`).',
  'media.uploaded': 'The original is complete, sniffed and hashed; processing for its `kind` starts.',
  'media.processed': 'Renditions are stored; the item is `ready` (tagging follows).',
  'media.tagged': 'AI labels and a moderation verdict were recorded.',
  'media.flagged': 'Moderation held the item for review: only its owner sees it.',
  'media.failed': 'The item ended `failed`; `data.failure` says why.',
  'media.deleted': 'The item, its original and every rendition were removed.',
  'album.created': 'An album was created (empty).',
  'album.updated': 'An album was renamed, described or given another cover.',
  'album.deleted': 'An album was deleted; its items stay in the library.',
  'album.items_added': 'Items were added to an album; `data.itemCount` is its size afterwards.',
  'album.items_removed': 'Items were taken out of an album; `data.itemCount` is its size afterwards. An item deleted for good leaves its albums without this event: `media.deleted` says so.',
};

/**
 * AsyncAPI 3.0 description of the event topic: one channel (the SNS topic locally mirrored by the
 * local bus), one message per event type, the message attributes subscribers filter on (`type`,
 * `kind`) as headers, and the payload schemas.
 */
export function asyncApiDocument(): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const type of DOMAIN_EVENT_TYPES) {
    const name = `${type}.v1`;
    const payload = eventJsonSchema(type);
    const data = (payload['properties'] as { data?: { properties?: { kind?: unknown }; required?: string[] } }).data;
    const kinds = data?.properties?.kind;
    const kindAlways = data?.required?.includes('kind') === true;
    schemas[name] = payload;
    messages[name] = {
      name: type,
      title: type,
      summary: MESSAGE_DESCRIPTIONS[type],
      contentType: 'application/json',
      headers: {
        type: 'object',
        description: 'SNS message attributes (String), for subscription filter policies.',
        properties: {
          type: { type: 'string', const: type },
          ...(kinds === undefined ? {} : { kind: { type: 'string', enum: MediaKindSchema.options } }),
        },
        required: kindAlways ? ['type', 'kind'] : ['type'],
      },
      payload: { $ref: `#/components/schemas/${name}` },
    };
  }
  const refs = DOMAIN_EVENT_TYPES.map((type) => ({ $ref: `#/channels/media-events/messages/${type}.v1` }));
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Mediaflow media and album events',
      version: '1.0.0',
      description:
        'Every change of a media item is published once to the media events topic (SNS in AWS, the durable local bus on one machine). ' +
        'Delivery is at least once: de-duplicate on the event `id`. Within a version changes are additive only; a breaking change ' +
        'is a new `version` of the same `type`, published side by side with the old one for a while.',
    },
    defaultContentType: 'application/json',
    channels: {
      'media-events': {
        address: 'media-events',
        title: 'Media events topic',
        messages: Object.fromEntries(DOMAIN_EVENT_TYPES.map((type) => [`${type}.v1`, { $ref: `#/components/messages/${type}.v1` }])),
      },
    },
    operations: {
      receiveMediaEvents: {
        action: 'receive',
        summary: 'Subscribe a queue to the topic, filtering on the `type` and `kind` attributes.',
        channel: { $ref: '#/channels/media-events' },
        messages: refs,
      },
    },
    components: { messages, schemas },
  };
}

/** Every contract file under `docs/contracts/`, by relative path, as the committed text. */
export function contractFiles(): Record<string, string> {
  const text = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  const files: Record<string, string> = {
    'asyncapi.json': text(asyncApiDocument()),
    'media-item.schema.json': text(mediaItemJsonSchema()),
  };
  for (const type of DOMAIN_EVENT_TYPES) files[eventSchemaFile(type)] = text(eventJsonSchema(type));
  return files;
}
