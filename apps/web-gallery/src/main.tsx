import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient, createVisitorClient } from './api/client';
import { App } from './app/App';
import { MediaEvents, ServicesProvider, type Services } from './app/services';
import { applyTheme, storedTheme } from './app/theme';
import { loadConfig } from './auth/config';
import { signInFromLink } from './auth/link';
import { startOidcSignIn } from './auth/oidc';
import { Session, browserSessionEnv, takeTokenFromHash } from './auth/session';
import { SwitchAccount } from './auth/SwitchAccount';
import { pageLiveStatus } from './live/page';
import { browserUploadStore } from './upload/pending-store';
import { UploadQueue, sha256Hex } from './upload/queue';
import { xhrPut } from './upload/xhr';
import './styles.css';

applyTheme(storedTheme());

// Off the address bar at once; whether it signs anyone in depends on the mode in the config.
const linked = takeTokenFromHash(window.location, window.history);

const events = new MediaEvents();
const config = await loadConfig();
const session = new Session(browserSessionEnv(config.auth.type === 'local'));
if (config.auth.type !== 'local') {
  // Finishes a redirect back from the issuer, or restores this tab's sign-in, before the first render.
  await startOidcSignIn(config.auth, session, { location: window.location, history: window.history, navigate: (url) => window.location.assign(url) }).catch((e: unknown) =>
    session.signOut(`Sign-in is unavailable: ${e instanceof Error ? e.message : String(e)}`),
  );
}
const accountSwitch = signInFromLink(config, session, linked);
const api = createApiClient({
  // Read at each call: a hosted sign-in renews the access token first when it is about to expire.
  getToken: () => session.currentToken(),
  onUnauthorized: () => session.signOut('Your session has ended. Sign in again to see your library.'),
  ...(config.apiBaseUrl ? { baseUrl: config.apiBaseUrl } : {}),
});
const services: Services = {
  api,
  visitor: createVisitorClient(config.apiBaseUrl ? { baseUrl: config.apiBaseUrl } : {}),
  session,
  events,
  uploads: new UploadQueue({ api, put: xhrPut, hash: (file) => sha256Hex(file), onItem: (item) => events.emitUpdated(item), live: pageLiveStatus(session, config.apiBaseUrl, config.auth.type === 'local'), store: browserUploadStore(), owner: () => session.ownerId }),
};

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ServicesProvider services={services}>
        <SwitchAccount change={accountSwitch}>
          <App config={config} />
        </SwitchAccount>
      </ServicesProvider>
    </StrictMode>,
  );
}
