import { lazy, Suspense, useCallback, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { AccountButton } from '../account/AccountButton';
import { AlbumPage } from '../albums/AlbumPage';
import { AlbumsPage } from '../albums/AlbumsPage';
import type { StorageUsage } from '../api/types';
import type { GalleryConfig } from '../auth/config';
import { MediaAccessGate } from '../auth/MediaAccessGate';
import { SignIn } from '../auth/SignIn';
import { Detail } from '../detail/Detail';
import { Library } from '../gallery/Library';
import { useMediaList } from '../gallery/useMediaList';
import { SearchBox } from '../search/SearchBox';
import { EMPTY_VIEW, viewKey, withTag, withWords, type LibraryView } from '../search/view';
import { MoonIcon, SunIcon, UploadIcon } from '../ui/icons';
import { TopbarStart } from '../ui/TopbarStart';
import { ReviewPage } from '../review/ReviewPage';
import { SharedPage } from '../shared/SharedPage';
import { TrashPage } from '../trash/TrashPage';
import { Dropzone } from '../upload/Dropzone';
import { UploadTray } from '../upload/UploadTray';
import { useRoute, type Navigate, type Route } from './route';
import { useServices } from './services';
import { StorageUsed } from './StorageUsed';
import { effectiveTheme, useTheme } from './theme';
import { useMe } from './useMe';

// The Cost page pulls in the cost model and its price tables: a separate chunk, loaded on visit.
const CostPage = lazy(() => import('../cost/CostPage'));

type Section = 'library' | 'albums' | 'trash' | 'review' | 'cost';

const SECTIONS: readonly { section: Section; href: string; label: string }[] = [
  { section: 'library', href: '/', label: 'Library' },
  { section: 'albums', href: '/albums', label: 'Albums' },
  { section: 'trash', href: '/trash', label: 'Trash' },
  { section: 'review', href: '/review', label: 'Review' },
  { section: 'cost', href: '/cost', label: 'Cost' },
];

/** The header's section for a page (an album is in Albums). */
function sectionOf(route: Route): Section {
  if (route.page === 'album' || route.page === 'albums') return 'albums';
  if (route.page === 'review' || route.page === 'cost' || route.page === 'trash') return route.page;
  return 'library';
}

interface HeaderProps {
  onUpload: () => void;
  onNavigate: (section: Section) => void;
  section: Section;
  moderator: boolean;
  /** What the owner stores, beside their name; nothing where the server keeps no usage. */
  storage: StorageUsage | null | undefined;
  onSignOut: () => void;
  search: ReactNode;
}

function Header({ onUpload, onNavigate, section, moderator, storage, onSignOut, search }: HeaderProps) {
  const { session } = useServices();
  const [theme, toggleTheme] = useTheme();
  const dark = effectiveTheme(theme) === 'dark';
  const links = SECTIONS.filter((s) => s.section !== 'review' || moderator);
  return (
    <header className="topbar">
      <TopbarStart />
      <nav className="nav" aria-label="Main">
        {links.map(({ section: target, href, label }) => (
          <a
            key={target}
            href={href}
            aria-current={section === target ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              onNavigate(target);
            }}
          >
            {label}
          </a>
        ))}
      </nav>
      {search}
      <div className="topbar-actions">
        <button type="button" className="btn btn-primary" onClick={onUpload}>
          <UploadIcon size={18} /> Upload
        </button>
        <button type="button" className="icon-btn" onClick={toggleTheme} aria-label={dark ? 'Switch to light mode' : 'Switch to dark mode'} title={dark ? 'Light mode' : 'Dark mode'}>
          {dark ? <SunIcon /> : <MoonIcon />}
        </button>
        <StorageUsed storage={storage} />
        <span className="user" title={session.ownerId ?? undefined}>
          {session.displayName}
        </span>
        <AccountButton onSignOut={onSignOut} />
        <button type="button" className="btn btn-quiet" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

function Shell({ route, navigate }: { route: Route; navigate: Navigate }) {
  const { session, uploads } = useServices();
  const me = useMe();
  // The library's view is the URL's; on other pages the list keeps the last one, so coming back
  // to the library does not load it again.
  const routeView = route.page === 'library' ? (route.view ?? EMPTY_VIEW) : null;
  const [view, setView] = useState<LibraryView>(routeView ?? EMPTY_VIEW);
  if (routeView && viewKey(routeView) !== viewKey(view)) setView(routeView);
  const list = useMediaList(view);
  const picker = useRef<HTMLInputElement>(null);

  const ordered = list.items;
  const libraryItem = route.page === 'library' ? route.item : null;
  const index = libraryItem ? ordered.findIndex((i) => i.id === libraryItem) : -1;
  const addFiles = useCallback((files: File[]) => void uploads.add(files), [uploads]);
  const open = useCallback((id: string) => navigate({ page: 'library', item: id, view }), [navigate, view]);
  const step = useCallback((id: string) => navigate({ page: 'library', item: id, view }, { replace: true }), [navigate, view]);
  const close = useCallback(() => navigate({ page: 'library', item: null, view }), [navigate, view]);
  const showView = useCallback(
    (next: LibraryView, options?: { replace?: boolean }) => navigate({ page: 'library', item: null, view: next }, options),
    [navigate],
  );
  const albumId = route.page === 'album' ? route.albumId : null;
  const openInAlbum = useCallback(
    (item: string | null, options?: { replace?: boolean }) => albumId && navigate({ page: 'album', albumId, item }, options),
    [albumId, navigate],
  );
  const toSection = (section: Section) => navigate(section === 'library' ? { page: 'library', item: null } : { page: section, item: null });

  // Near the end of what is loaded, stepping through items loads the next page.
  const { loadMore } = list;
  useEffect(() => {
    if (index >= 0 && index >= ordered.length - 3) loadMore();
  }, [index, ordered.length, loadMore]);

  const signOut = () => {
    void uploads.forgetOwner(session.ownerId);
    // A hosted sign-in revokes its refresh token and leaves for the issuer's sign-out page.
    if (session.hosted) void session.hosted.signOut();
    else session.signOut();
  };

  return (
    <>
      <Header
        onUpload={() => picker.current?.click()}
        section={sectionOf(route)}
        moderator={me?.roles.includes('moderator') ?? false}
        storage={me?.storage}
        onNavigate={toSection}
        onSignOut={signOut}
        search={
          <SearchBox
            value={routeView?.q ?? ''}
            // Refining words already searched replaces the history entry: Back leaves the search.
            onSearch={(q, refine) => showView(withWords(view, q), { replace: refine && route.page === 'library' })}
            onChooseTag={(tag) => showView(withTag(withWords(view, ''), tag))}
            onChooseAlbum={(album) => showView({ ...withWords(view, ''), album: album.id })}
          />
        }
      />
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        data-testid="file-picker"
        aria-label="Choose files to upload"
        onChange={(e) => {
          addFiles(Array.from(e.target.files ?? []));
          e.target.value = '';
        }}
      />
      {route.page === 'cost' ? (
        <Suspense fallback={<main id="main" className="page"><div className="spinner" aria-label="Loading" /></main>}>
          <CostPage />
        </Suspense>
      ) : route.page === 'albums' ? (
        <AlbumsPage onOpenAlbum={(id) => navigate({ page: 'album', albumId: id, item: null })} />
      ) : route.page === 'album' ? (
        <AlbumPage albumId={route.albumId} item={route.item} onOpenItem={openInAlbum} onBack={() => navigate({ page: 'albums', item: null })} />
      ) : route.page === 'trash' ? (
        <TrashPage onRestored={list.reload} onOpenLibrary={() => toSection('library')} />
      ) : route.page === 'review' ? (
        <ReviewPage />
      ) : (
        <Library list={list} view={view} onViewChange={showView} onOpen={open} onPickFiles={() => picker.current?.click()} />
      )}
      {libraryItem && (
        <Detail
          id={libraryItem}
          initial={ordered[index]}
          prevId={index > 0 ? (ordered[index - 1]?.id ?? null) : null}
          nextId={index >= 0 ? (ordered[index + 1]?.id ?? null) : null}
          onNavigate={step}
          onClose={close}
        />
      )}
      <UploadTray queue={uploads} />
      <Dropzone onFiles={addFiles} />
    </>
  );
}

/**
 * The visitor page of a share link for anyone (no sign-in); else signs in (local token or Cognito
 * by `/config.json`), then shows the gallery.
 */
export function App({ config }: { config: GalleryConfig }) {
  const [route, navigate] = useRoute();
  const sharedToken = route.page === 'shared' ? route.token : null;
  const openShared = useCallback(
    (item: string | null, options?: { replace?: boolean }) => sharedToken && navigate({ page: 'shared', token: sharedToken, item }, options),
    [navigate, sharedToken],
  );
  if (route.page === 'shared') return <SharedPage token={route.token} item={route.item} onOpenItem={openShared} />;
  return <OwnerApp config={config} route={route} navigate={navigate} />;
}

function OwnerApp({ config, route, navigate }: { config: GalleryConfig; route: Route; navigate: Navigate }) {
  const { session } = useServices();
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const [signInError, setSignInError] = useState<string | null>(null);

  if (!state.token) {
    return (
      <SignIn
        config={config}
        notice={signInError ?? state.notice}
        onToken={(token) => session.signIn(token)}
        onHostedSignIn={() => {
          session.hosted?.signIn().catch((e: unknown) => setSignInError(`Sign-in could not start: ${e instanceof Error ? e.message : String(e)}`));
        }}
      />
    );
  }
  // The library loads media as soon as it renders: the media cookies come first (once per owner:
  // a renewed token keeps the page as it is).
  return (
    <MediaAccessGate owner={state.claims?.sub ?? state.token}>
      <Shell route={route} navigate={navigate} />
    </MediaAccessGate>
  );
}
