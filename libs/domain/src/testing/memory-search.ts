import { isListed } from '../lifecycle.js';
import type { MediaItem } from '../media.js';
import { decodeCursor, encodeCursor, type Page } from '../query.js';
import {
  matchedFields,
  matchesFilters,
  matchesText,
  SEARCH_FIELD_WEIGHTS,
  searchCursorBinding,
  searchDocument,
  takenAtOf,
  type MediaSearch,
  type SearchQuery,
  type TimelineMonth,
} from '../search.js';
import type { MemoryAlbumRepository } from './memory-album-repository.js';
import type { InMemoryMediaRepository } from './memory-repository.js';

interface Ranked {
  item: MediaItem;
  score: number;
  takenAt: string;
}

/** Date-taken order, newest first, then media id (the order every adapter breaks ties by). */
function newestTakenFirst(a: Ranked, b: Ranked): number {
  if (a.takenAt !== b.takenAt) return a.takenAt < b.takenAt ? 1 : -1;
  return a.item.id < b.item.id ? 1 : a.item.id > b.item.id ? -1 : 0;
}

/**
 * A MediaSearch over the in-memory repositories: it reads every item of the owner and applies the
 * domain's own matching rules, so it is the reference the indexed adapters are checked against.
 * Relevance is the sum of the weights of the fields that matched.
 */
export class MemoryMediaSearch implements MediaSearch {
  constructor(
    private readonly repo: InMemoryMediaRepository,
    private readonly albums?: MemoryAlbumRepository,
  ) {}

  async search(ownerId: string, query: SearchQuery): Promise<Page<MediaItem>> {
    const binding = searchCursorBinding(ownerId, query);
    const members = query.album === undefined ? undefined : (this.albums?.memberIds(ownerId, query.album) ?? new Set<string>());
    const ranked: Ranked[] = [];
    for (const item of this.repo.itemsOf(ownerId)) {
      if (members !== undefined && !members.has(item.id)) continue;
      const document = searchDocument(item);
      if (!matchesFilters(item, document, query) || !matchesText(document, query.groups)) continue;
      const score = matchedFields(document, query.groups).reduce((sum, f) => sum + SEARCH_FIELD_WEIGHTS[f], 0);
      ranked.push({ item, score, takenAt: takenAtOf(item) });
    }
    if (query.order === 'relevance') {
      ranked.sort((a, b) => b.score - a.score || newestTakenFirst(a, b));
      const offset = query.cursor === undefined ? 0 : Number(decodeCursor(query.cursor, binding).after);
      const page = ranked.slice(offset, offset + query.limit);
      const end = offset + page.length;
      return { items: page.map((r) => r.item), ...(end < ranked.length ? { nextCursor: encodeCursor({ after: String(end) }, binding) } : {}) };
    }
    ranked.sort(newestTakenFirst);
    if (query.order === 'taken-asc') ranked.reverse();
    let start = 0;
    if (query.cursor !== undefined) {
      const position = decodeCursor(query.cursor, binding);
      const after = { takenAt: position.extra?.['t'] ?? '', id: position.after };
      const past = (r: Ranked): boolean => {
        const before = r.takenAt < after.takenAt || (r.takenAt === after.takenAt && r.item.id < after.id);
        return query.order === 'taken-desc' ? before : !before && !(r.takenAt === after.takenAt && r.item.id === after.id);
      };
      start = ranked.findIndex(past);
      if (start < 0) start = ranked.length;
    }
    const page = ranked.slice(start, start + query.limit);
    const last = page.at(-1);
    const more = start + page.length < ranked.length && last !== undefined;
    return {
      items: page.map((r) => r.item),
      ...(more ? { nextCursor: encodeCursor({ after: last.item.id, extra: { t: last.takenAt } }, binding) } : {}),
    };
  }

  async timeline(ownerId: string): Promise<TimelineMonth[]> {
    const counts = new Map<string, number>();
    for (const item of this.repo.itemsOf(ownerId)) {
      if (!isListed(item.status)) continue;
      const month = takenAtOf(item).slice(0, 7);
      counts.set(month, (counts.get(month) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => (a[0] < b[0] ? 1 : -1)).map(([month, count]) => ({ month, count }));
  }
}
