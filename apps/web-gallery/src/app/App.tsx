import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { authorizeUrl, completeRedirect, logoutUrl } from '../auth/cognito';
import type { GalleryConfig } from '../auth/config';
import { MediaAccessGate } from '../auth/MediaAccessGate';
import { SignIn } from '../auth/SignIn';
import { Detail } from '../detail/Detail';
import type { FilterState } from '../gallery/Filters';
import { Library, sortItems } from '../gallery/Library';
import { useMediaList } from '../gallery/useMediaList';
import { LogoMark, MoonIcon, SunIcon, UploadIcon } from '../ui/icons';
import { Dropzone } from '../upload/Dropzone';
import { UploadTray } from '../upload/UploadTray';
import { useRoute } from './route';
import { useServices } from './services';
import { effectiveTheme, useTheme } from './theme';

// The Cost page pulls in the cost model and its price tables: a separate chunk, loaded on visit.
const CostPage = lazy(() => import('../cost/CostPage'));

function Header({ onUpload, onNavigate, page, onSignOut }: { onUpload: () => void; onNavigate: (page: 'library' | 'cost') => void; page: 'library' | 'cost'; onSignOut: () => void }) {
  const { session } = useServices();
  const [theme, toggleTheme] = useTheme();
  const dark = effectiveTheme(theme) === 'dark';
  const link = (target: 'library' | 'cost', label: string) => (
    <a
      href={target === 'cost' ? '/cost' : '/'}
      aria-current={page === target ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        onNavigate(target);
      }}
    >
      {label}
    </a>
  );
  return (
    <header className="topbar">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="brand">
        <LogoMark />
        <span>Mediaflow</span>
      </div>
      <nav className="nav" aria-label="Main">
        {link('library', 'Library')}
        {link('cost', 'Cost')}
      </nav>
      <div className="topbar-actions">
        <button type="button" className="btn btn-primary" onClick={onUpload}>
          <UploadIcon size={18} /> Upload
        </button>
        <button type="button" className="icon-btn" onClick={toggleTheme} aria-label={dark ? 'Switch to light mode' : 'Switch to dark mode'} title={dark ? 'Light mode' : 'Dark mode'}>
          {dark ? <SunIcon /> : <MoonIcon />}
        </button>
        <span className="user" title={session.ownerId ?? undefined}>
          {session.displayName}
        </span>
        <button type="button" className="btn btn-quiet" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

function Shell({ config }: { config: GalleryConfig }) {
  const { session, uploads } = useServices();
  const [route, navigate] = useRoute();
  const [filter, setFilter] = useState<FilterState>({ sort: 'newest' });
  const list = useMediaList(filter);
  const picker = useRef<HTMLInputElement>(null);

  const ordered = useMemo(() => sortItems(list.items, filter.sort), [list.items, filter.sort]);
  const index = route.item ? ordered.findIndex((i) => i.id === route.item) : -1;
  const addFiles = useCallback((files: File[]) => void uploads.add(files), [uploads]);
  const open = useCallback((id: string) => navigate({ page: 'library', item: id }), [navigate]);
  const step = useCallback((id: string) => navigate({ page: 'library', item: id }, { replace: true }), [navigate]);
  const close = useCallback(() => navigate({ page: 'library', item: null }), [navigate]);

  // Near the end of what is loaded, stepping through items loads the next page.
  const { loadMore } = list;
  useEffect(() => {
    if (index >= 0 && index >= ordered.length - 3) loadMore();
  }, [index, ordered.length, loadMore]);

  const signOut = () => {
    session.signOut();
    if (config.auth.type === 'cognito') window.location.assign(logoutUrl(config.auth));
  };

  return (
    <>
      <Header onUpload={() => picker.current?.click()} page={route.page} onNavigate={(page) => navigate({ page, item: null })} onSignOut={signOut} />
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
      ) : (
        <Library list={list} filter={filter} onFilterChange={setFilter} onOpen={open} onPickFiles={() => picker.current?.click()} />
      )}
      {route.page === 'library' && route.item && (
        <Detail
          id={route.item}
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

/** Signs in (local token or Cognito by `/config.json`), then shows the gallery. */
export function App({ config }: { config: GalleryConfig }) {
  const { session } = useServices();
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const [redirectError, setRedirectError] = useState<string | null>(null);
  const [completing, setCompleting] = useState(config.auth.type === 'cognito');

  useEffect(() => {
    if (config.auth.type !== 'cognito') return;
    let cancelled = false;
    completeRedirect(config.auth, { location: window.location, history: window.history, storage: window.sessionStorage, fetch: (i, init) => fetch(i, init) })
      .then((token) => {
        if (!cancelled && token) {
          const problem = session.signIn(token);
          if (problem) setRedirectError(problem);
        }
      })
      .catch((e: unknown) => !cancelled && setRedirectError(e instanceof Error ? e.message : 'Sign-in failed.'))
      .finally(() => !cancelled && setCompleting(false));
    return () => {
      cancelled = true;
    };
  }, [config, session]);

  if (completing) return <main id="main" className="page"><div className="spinner" aria-label="Signing in" /></main>;
  if (!state.token) {
    return (
      <SignIn
        config={config}
        notice={redirectError ?? state.notice}
        onToken={(token) => session.signIn(token)}
        onHostedSignIn={() => {
          if (config.auth.type === 'cognito') void authorizeUrl(config.auth).then((url) => window.location.assign(url));
        }}
      />
    );
  }
  // The library loads media as soon as it renders: the media cookies come first.
  return (
    <MediaAccessGate token={state.token}>
      <Shell config={config} />
    </MediaAccessGate>
  );
}
