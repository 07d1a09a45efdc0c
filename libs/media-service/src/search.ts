import {
  matchedFields,
  searchDocument,
  type MediaItem,
  type Page,
  type SearchField,
  type SearchQuery,
  type TimelineMonth,
} from '@mediaflow/domain';
import type { ServiceDeps } from './context.js';

/** One result of a search: the item and the fields its words were found in (none without text). */
export interface SearchHit {
  item: MediaItem;
  matched: SearchField[];
}

/**
 * `GET /api/v1/search`: the owner's items that have every word of `q` (folded, the last word also
 * as a prefix) and pass every filter, in relevance or date-taken order. Each result says where it
 * matched, computed from the item itself, so every search adapter reports it the same way.
 *
 * `parsed` comes from `SearchQuerySchema` (the route parses the query string with it).
 *
 * @throws ValidationError for a cursor of another search.
 */
export async function searchMedia(deps: Pick<ServiceDeps, 'search'>, ownerId: string, parsed: SearchQuery): Promise<Page<SearchHit>> {
  const page = await deps.search.search(ownerId, parsed);
  const hits = page.items.map((item) => ({
    item,
    matched: parsed.groups.length === 0 ? [] : matchedFields(searchDocument(item), parsed.groups),
  }));
  return page.nextCursor === undefined ? { items: hits } : { items: hits, nextCursor: page.nextCursor };
}

/** `GET /api/v1/timeline`: how many items the owner has per month taken, newest month first. */
export async function mediaTimeline(deps: Pick<ServiceDeps, 'search'>, ownerId: string): Promise<TimelineMonth[]> {
  return deps.search.timeline(ownerId);
}
