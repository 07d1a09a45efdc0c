import { createContext, useContext } from 'react';
import { useServices } from '../app/services';
import type { Session } from '../auth/session';
import { LiveStatus, type EventSourceLike, type LiveUpdates } from './live-status';

/** The stream's path on the API (the `mf_token` cookie is scoped to it: an EventSource sends no header). */
export const EVENTS_PATH = '/api/v1/events';

const pages = new WeakMap<object, LiveStatus>();

/** The browser's EventSource, where it has one. */
function browserConnect(): ((url: string) => EventSourceLike) | undefined {
  const Source = (globalThis as { EventSource?: new (url: string) => EventSourceLike }).EventSource;
  return Source === undefined ? undefined : (url) => new Source(url);
}

/**
 * The page's one event stream, for the signed-in person of `session`: the same object for every
 * caller with that session, so the upload tray, the grid and the detail view share one connection.
 * `baseUrl` (the config's `apiBaseUrl`) and `streams` count on the first call, which `main.tsx`
 * makes: only the local server streams events (in AWS the route does not exist and the API's
 * authorizer would answer an EventSource, which sends no header, with a 401), so a gallery signed
 * in through Cognito never opens one and polls.
 */
export function pageLiveStatus(session: Pick<Session, 'ownerId' | 'subscribe'>, baseUrl = '', streams = true): LiveStatus {
  let live = pages.get(session);
  if (live === undefined) {
    live = new LiveStatus({
      url: `${baseUrl.replace(/\/+$/, '')}${EVENTS_PATH}`,
      connect: streams ? browserConnect() : undefined,
      owner: () => session.ownerId,
      onOwnerChange: (listener) => session.subscribe(listener),
    });
    pages.set(session, live);
  }
  return live;
}

/** Hands views another stream than the page's (tests give a fake). */
export const LiveStatusContext = createContext<LiveUpdates | null>(null);

/** The stream views follow items on: the one given by {@link LiveStatusContext}, else the page's. */
export function useLiveStatus(): LiveUpdates {
  const given = useContext(LiveStatusContext);
  const { session } = useServices();
  return given ?? pageLiveStatus(session);
}
