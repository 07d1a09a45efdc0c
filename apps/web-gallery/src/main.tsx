import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client';
import { App } from './app/App';
import { MediaEvents, ServicesProvider, type Services } from './app/services';
import { applyTheme, storedTheme } from './app/theme';
import { loadConfig } from './auth/config';
import { Session, browserSessionEnv, takeTokenFromHash } from './auth/session';
import { UploadQueue, sha256Hex } from './upload/queue';
import { xhrPut } from './upload/xhr';
import './styles.css';

applyTheme(storedTheme());

const session = new Session(browserSessionEnv());
const linked = takeTokenFromHash(window.location, window.history);
if (linked) {
  const problem = session.signIn(linked);
  if (problem) session.signOut(problem);
}

const events = new MediaEvents();
const config = await loadConfig();
const api = createApiClient({
  getToken: () => session.token,
  onUnauthorized: () => session.signOut('Your session has ended. Sign in again to see your library.'),
  ...(config.apiBaseUrl ? { baseUrl: config.apiBaseUrl } : {}),
});
const services: Services = {
  api,
  session,
  events,
  uploads: new UploadQueue({ api, put: xhrPut, hash: (file) => sha256Hex(file), onItem: (item) => events.emitUpdated(item) }),
};

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ServicesProvider services={services}>
        <App config={config} />
      </ServicesProvider>
    </StrictMode>,
  );
}
