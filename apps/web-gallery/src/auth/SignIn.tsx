import { useEffect, useId, useState, type FormEvent } from 'react';
import { clearSignOutNotice, storedSignOutNotice } from '../account/deleted-notice';
import { LogoMark } from '../ui/icons';
import type { GalleryConfig } from './config';

export interface SignInProps {
  config: GalleryConfig;
  notice: string | null;
  onToken: (token: string) => string | null;
  onHostedSignIn: () => void;
}

/** Sign-in: the issuer's page when one is configured (Cognito's hosted UI or another), else a pasted local token. */
export function SignIn({ config, notice, onToken, onHostedSignIn }: SignInProps) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  // Why the last sign-out happened, kept across a hosted sign-out's redirects (an account deleted): shown once.
  const [kept] = useState(storedSignOutNotice);
  useEffect(clearSignOutNotice, []);
  const shown = notice ?? kept;
  const fieldId = useId();
  const helpId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(onToken(token));
  };

  return (
    <main id="main" className="signin">
      <div className="signin-card">
        <div className="brand brand-large">
          <LogoMark size={40} />
          <span>Mediaflow</span>
        </div>
        <h1>Your photos, videos and files, ready everywhere.</h1>
        <p className="muted">Upload anything; Mediaflow makes fast web versions, tags them for you and keeps the originals safe.</p>
        {shown && (
          <p className="notice notice-warn" role="status">
            {shown}
          </p>
        )}
        {config.auth.type !== 'local' ? (
          <button type="button" className="btn btn-primary btn-wide" onClick={onHostedSignIn}>
            Sign in
          </button>
        ) : (
          <form onSubmit={submit} className="signin-form">
            <label htmlFor={fieldId}>Access token</label>
            <textarea
              id={fieldId}
              value={token}
              rows={3}
              spellCheck={false}
              autoComplete="off"
              placeholder="eyJhbGciOi…"
              aria-describedby={helpId}
              aria-invalid={error ? true : undefined}
              onChange={(e) => setToken(e.target.value)}
            />
            <p id={helpId} className="hint">
              Running locally? <code>npm start</code> prints a signed-in link: open it, or paste the “Bearer token” it shows here.
            </p>
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" className="btn btn-primary btn-wide" disabled={token.trim() === ''}>
              Sign in
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
