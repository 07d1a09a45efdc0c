import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { AlbumView, TagCount } from '../api/types';
import { useServices } from '../app/services';
import { AlbumIcon, ClockIcon, CloseIcon, SearchIcon, TagIcon } from '../ui/icons';
import { RecentSearches, browserStorage, fold, MAX_RECENT, type RecentStorage } from './recent';
import { hasWords, MAX_Q } from './view';

/** One line of the suggestions. */
export type Suggestion =
  | { type: 'tag'; name: string; count: number }
  | { type: 'album'; album: AlbumView }
  | { type: 'recent'; q: string }
  | { type: 'clear-recent' };

type Group = 'tags' | 'albums' | 'recent';

const optionIdOf = (id: string, index: number) => `${id}-option-${index}`;

function keyOf(s: Suggestion): string {
  if (s.type === 'tag') return `tag-${s.name}`;
  if (s.type === 'album') return `album-${s.album.id}`;
  return s.type === 'recent' ? `recent-${s.q}` : s.type;
}

const GROUP_TITLES: Record<Group, string> = { tags: 'Tags', albums: 'Albums', recent: 'Recent searches' };

function groupOf(s: Suggestion): Group {
  if (s.type === 'tag') return 'tags';
  if (s.type === 'album') return 'albums';
  return 'recent';
}

/** Whether a name is suggested for typed text: it, or one of its words, starts with the text. */
function startsWith(name: string, typed: string): boolean {
  const folded = fold(name);
  return folded.startsWith(typed) || folded.split(' ').some((w) => w.startsWith(typed));
}

/**
 * What to suggest for the text in the box. Empty: recent searches, then the most used tags. Typed:
 * tags and albums whose name (or a word of it) starts with the text (a trailing plural "s" aside,
 * as the server folds plurals), then recent searches that continue it.
 */
export function suggestionsFor(text: string, tags: readonly TagCount[], albums: readonly AlbumView[], recent: readonly string[]): Suggestion[] {
  const typed = fold(text);
  if (!typed) {
    const history: Suggestion[] = recent.slice(0, MAX_RECENT).map((q) => ({ type: 'recent', q }));
    if (history.length > 0) history.push({ type: 'clear-recent' });
    return [...history, ...tags.slice(0, 5).map((t): Suggestion => ({ type: 'tag', name: t.name, count: t.count }))];
  }
  const singular = typed.length > 3 && typed.endsWith('s') ? typed.slice(0, -1) : null;
  const tagHits = tags.filter((t) => startsWith(t.name, typed) || (singular !== null && startsWith(t.name, singular))).slice(0, 6);
  const albumHits = albums.filter((a) => startsWith(a.name, typed)).slice(0, 5);
  const recentHits = recent.filter((r) => fold(r).startsWith(typed) && fold(r) !== typed).slice(0, 4);
  return [
    ...tagHits.map((t): Suggestion => ({ type: 'tag', name: t.name, count: t.count })),
    ...albumHits.map((album): Suggestion => ({ type: 'album', album })),
    ...recentHits.map((q): Suggestion => ({ type: 'recent', q })),
  ];
}

export interface SearchBoxProps {
  /** The words the library shows now (from the URL). */
  value: string;
  /**
   * Runs a search: as the person types (after a pause), at once on Enter. `refine` is true when
   * the words replace words already searched (the app replaces the history entry then).
   */
  onSearch: (q: string, refine: boolean) => void;
  /** A tag suggestion was chosen: filter by it (the words are cleared). */
  onChooseTag: (tag: string) => void;
  /** An album suggestion was chosen: show its items (the words are cleared). */
  onChooseAlbum: (album: AlbumView) => void;
  /** Where recent searches are kept (default: this browser's local storage). */
  storage?: RecentStorage | null;
  /** How long typing must pause before the search runs. */
  debounceMs?: number;
}

/**
 * The top bar's search: results as you type, and while focused a list of matching tags, albums
 * and recent searches. A combobox in the ARIA pattern: focus stays in the input, the arrow keys
 * move the active option (`aria-activedescendant`), Enter chooses it (or searches at once),
 * Escape closes the list, then clears the words.
 */
export function SearchBox({ value, onSearch, onChooseTag, onChooseAlbum, storage = browserStorage(), debounceMs = 250 }: SearchBoxProps) {
  const { api, session } = useServices();
  const id = useId();
  const inputId = `${id}-input`;
  const listboxId = `${id}-listbox`;
  const optionId = (index: number) => optionIdOf(id, index);
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(value);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [tags, setTags] = useState<TagCount[]>([]);
  const [albums, setAlbums] = useState<AlbumView[]>([]);
  const store = useMemo(() => new RecentSearches(storage, `mediaflow.recent-searches.${session.ownerId ?? 'me'}`), [storage, session.ownerId]);
  const [recent, setRecent] = useState<string[]>(() => store.list());
  // The words last handed to onSearch: what the library shows, or is about to.
  const sent = useRef(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const loading = useRef<AbortController | null>(null);
  const search = useRef(onSearch);
  useEffect(() => {
    search.current = onSearch;
  }, [onSearch]);

  // Words changed elsewhere (Back, a chip removed, another page): the box shows them.
  useEffect(() => {
    if (value === sent.current) return;
    sent.current = value;
    clearTimeout(timer.current);
    setText(value);
  }, [value]);

  useEffect(
    () => () => {
      clearTimeout(timer.current);
      loading.current?.abort();
    },
    [],
  );

  const run = useCallback((q: string) => {
    clearTimeout(timer.current);
    if (q === sent.current) return;
    const refine = hasWords(sent.current) && hasWords(q);
    sent.current = q;
    search.current(q, refine);
  }, []);

  // Tags and albums change while the app is open: asked again each time the box gets focus.
  const loadSources = useCallback(() => {
    loading.current?.abort();
    const controller = new AbortController();
    loading.current = controller;
    const keep = <T,>(set: (v: T) => void) => (v: T) => !controller.signal.aborted && set(v);
    // Suggestions are a convenience: a failure leaves them out, the search itself still works.
    api.listTags(controller.signal).then(keep((t: TagCount[]) => setTags([...t].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)))), () => undefined);
    api.listAlbums(null, controller.signal).then(keep((page: { items: AlbumView[] }) => setAlbums(page.items)), () => undefined);
  }, [api]);

  const options = useMemo(() => suggestionsFor(text, tags, albums, recent), [text, tags, albums, recent]);
  const current = active < options.length ? active : -1;
  const expanded = open && options.length > 0;

  useEffect(() => {
    if (current < 0) return;
    // Keeps the active option visible in a list that scrolls.
    const option = document.getElementById(optionIdOf(id, current));
    option?.scrollIntoView?.({ block: 'nearest' });
  }, [current, id]);

  const remember = (q: string) => {
    if (hasWords(q)) setRecent(store.add(q));
  };

  const choose = (s: Suggestion) => {
    switch (s.type) {
      case 'tag':
      case 'album':
        clearTimeout(timer.current);
        setText('');
        sent.current = '';
        if (s.type === 'tag') onChooseTag(s.name);
        else onChooseAlbum(s.album);
        setOpen(false);
        break;
      case 'recent':
        setText(s.q);
        run(s.q);
        remember(s.q);
        setOpen(false);
        break;
      case 'clear-recent':
        store.clear();
        setRecent([]);
        break;
    }
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const count = options.length;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!expanded) {
          setOpen(true);
          setActive(count > 0 ? 0 : -1);
        } else setActive(current + 1 >= count ? 0 : current + 1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (!expanded) {
          setOpen(true);
          setActive(count - 1);
        } else setActive(current <= 0 ? count - 1 : current - 1);
        break;
      case 'Enter': {
        event.preventDefault();
        const option = expanded && current >= 0 ? options[current] : undefined;
        if (option) {
          choose(option);
        } else {
          run(text);
          remember(text);
          setOpen(false);
          setActive(-1);
        }
        break;
      }
      case 'Escape':
        if (expanded) {
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        } else if (text) {
          event.preventDefault();
          setText('');
          run('');
        }
        break;
      case 'Tab':
        setOpen(false);
        setActive(-1);
        break;
      default:
        break;
    }
  };

  const groups = (['recent', 'tags', 'albums'] as const)
    .map((group) => ({ group, items: options.map((s, i) => ({ s, i })).filter(({ s }) => groupOf(s) === group) }))
    .filter((g) => g.items.length > 0)
    // The groups in the order their options come, so the arrow keys move down the list as drawn.
    .sort((a, b) => (a.items[0]?.i ?? 0) - (b.items[0]?.i ?? 0));

  return (
    <div className="searchbox" role="search" aria-label="Search the library">
      <SearchIcon size={18} className="searchbox-icon" />
      <label htmlFor={inputId} className="visually-hidden">
        Search your library
      </label>
      <input
        ref={input}
        id={inputId}
        type="text"
        inputMode="search"
        enterKeyHint="search"
        role="combobox"
        aria-expanded={expanded}
        aria-controls={listboxId}
        aria-autocomplete="list"
        aria-activedescendant={expanded && current >= 0 ? optionId(current) : undefined}
        placeholder="Search names, tags, places…"
        autoComplete="off"
        spellCheck={false}
        maxLength={MAX_Q}
        value={text}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          setOpen(true);
          setActive(-1);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => run(next), debounceMs);
        }}
        onFocus={() => {
          setOpen(true);
          loadSources();
        }}
        onBlur={() => {
          setOpen(false);
          setActive(-1);
          // Leaving the box for the results: the search is one to remember.
          if (text === sent.current) remember(text);
        }}
        onKeyDown={onKeyDown}
      />
      {text && (
        <button
          type="button"
          className="icon-btn searchbox-clear"
          aria-label="Clear search"
          onClick={() => {
            setText('');
            run('');
            input.current?.focus();
          }}
        >
          <CloseIcon size={16} />
        </button>
      )}
      <div className="suggest" id={listboxId} role="listbox" aria-label="Suggestions" hidden={!expanded}>
        {groups.map(({ group, items }) => (
          <div key={group} role="group" aria-labelledby={`${id}-${group}`} className="suggest-group">
            <div id={`${id}-${group}`} role="presentation" className="suggest-title">
              {GROUP_TITLES[group]}
            </div>
            {items.map(({ s, i }) => (
              <div
                key={keyOf(s)}
                id={optionId(i)}
                role="option"
                aria-selected={current === i}
                className={`suggest-option suggest-${s.type}${current === i ? ' is-active' : ''}`}
                // Keeps the focus in the input, as a combobox does.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(s)}
              >
                <SuggestionText s={s} />
              </div>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

function SuggestionText({ s }: { s: Suggestion }) {
  switch (s.type) {
    case 'tag':
      return (
        <>
          <TagIcon size={16} /> <span className="suggest-name">{s.name}</span> <span className="suggest-count">{s.count}</span>
        </>
      );
    case 'album':
      return (
        <>
          <AlbumIcon size={16} /> <span className="suggest-name">{s.album.name}</span>{' '}
          <span className="suggest-count">{s.album.itemCount === 1 ? '1 item' : `${s.album.itemCount} items`}</span>
        </>
      );
    case 'recent':
      return (
        <>
          <ClockIcon size={16} /> <span className="suggest-name">{s.q}</span>
        </>
      );
    default:
      return (
        <>
          <CloseIcon size={16} /> <span className="suggest-name">Clear recent searches</span>
        </>
      );
  }
}
