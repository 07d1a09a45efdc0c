import { useId, useState, type ReactNode } from 'react';
import { useServices } from '../app/services';
import { LogoMark } from '../ui/icons';
import type { AccountSwitch } from './link';

export interface SwitchAccountProps {
  /** The switch a `#token=` link asks for, or `null` when there is none. */
  change: AccountSwitch | null;
  children: ReactNode;
}

/**
 * Asks before a sign-in link replaces the session of someone already signed in: staying is the
 * default, since a link anyone can send must not move a person's uploads into another library
 * unnoticed. Shows `children` (the gallery) once decided, or when there is nothing to decide.
 */
export function SwitchAccount({ change, children }: SwitchAccountProps) {
  const { session } = useServices();
  const [pending, setPending] = useState(change);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  if (pending === null) return <>{children}</>;

  const switchAccount = () => {
    const problem = session.signIn(pending.token);
    if (problem) setError(problem);
    else setPending(null);
  };

  return (
    <main id="main" className="signin">
      <section className="signin-card" role="alertdialog" aria-modal="true" aria-labelledby={titleId}>
        <div className="brand brand-large">
          <LogoMark size={40} />
          <span>Mediaflow</span>
        </div>
        <h1 id={titleId}>Switch to another account?</h1>
        <p>
          You are signed in as <strong>{pending.from}</strong>. The link you opened signs in as <strong>{pending.to}</strong>.
        </p>
        <p className="notice notice-warn">
          Switch only if you asked for this link: whatever you upload afterwards goes to the library of <strong>{pending.to}</strong>.
        </p>
        <button type="button" className="btn btn-primary btn-wide" autoFocus onClick={() => setPending(null)}>
          Stay signed in as {pending.from}
        </button>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : (
          <button type="button" className="btn btn-quiet btn-wide" onClick={switchAccount}>
            Switch to {pending.to}
          </button>
        )}
      </section>
    </main>
  );
}
