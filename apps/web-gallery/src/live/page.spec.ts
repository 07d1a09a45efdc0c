import { Session } from '../auth/session';
import { fakeToken } from '../test/fixtures';
import { FakeEventSource } from './live.spec-support';
import { EVENTS_PATH, pageLiveStatus } from './page';

function session() {
  const cookies: string[] = [];
  const storage = new Map<string, string>();
  const s = new Session({
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) },
    setCookie: (c) => void cookies.push(c),
    secure: true,
  });
  return { session: s, cookies };
}

describe('the page’s event stream', () => {
  const saved = (globalThis as { EventSource?: unknown }).EventSource;
  const opened: FakeEventSource[] = [];
  beforeEach(() => {
    (globalThis as { EventSource?: unknown }).EventSource = class extends FakeEventSource {
      constructor(url: string) {
        super(url);
        opened.push(this);
      }
    };
  });
  afterEach(() => {
    (globalThis as { EventSource?: unknown }).EventSource = saved;
    opened.splice(0);
  });

  it('is one stream per session, at the API’s events path, for whoever is signed in', () => {
    const { session: s } = session();
    const live = pageLiveStatus(s, 'https://api.example.test/');
    expect(pageLiveStatus(s)).toBe(live);
    expect(pageLiveStatus(session().session)).not.toBe(live);
    // Nobody signed in: no stream, whoever listens.
    const stop = live.subscribe({});
    expect(opened).toHaveLength(0);
    s.signIn(fakeToken('alice'));
    expect(opened.map((o) => o.url)).toEqual([`https://api.example.test${EVENTS_PATH}?owner=alice`]);
    s.signOut();
    expect(opened[0]?.closed).toBe(true);
    stop();
  });

  it('opens no stream where the server streams none (a gallery signed in through Cognito), and polls', () => {
    const { session: s } = session();
    const live = pageLiveStatus(s, 'https://api.example.test/', false);
    const stop = live.subscribe({});
    s.signIn(fakeToken('alice'));
    expect(opened).toHaveLength(0);
    expect(live.state).not.toBe('live');
    stop();
  });

  it('is authorised by the mf_token cookie scoped to the stream’s path, which signing out clears', () => {
    const { session: s, cookies } = session();
    const token = fakeToken('alice');
    s.signIn(token);
    expect(cookies).toContain(`mf_token=${token}; path=${EVENTS_PATH}; SameSite=Strict; Secure`);
    s.signOut();
    expect(cookies).toContain(`mf_token=; path=${EVENTS_PATH}; SameSite=Strict; max-age=0; Secure`);
  });
});
