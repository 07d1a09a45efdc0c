import { useState } from 'react';
import { useServices } from '../app/services';
import { AccountDialog } from './AccountDialog';
import { rememberSignOutNotice } from './deleted-notice';

/** What the sign-in page says after an account was deleted. */
export const ACCOUNT_DELETED_NOTICE = 'Your account and everything in it were deleted.';

/** The header's Account button and its dialog (export the library, delete the account). */
export function AccountButton({ onSignOut }: { onSignOut: () => void }) {
  const { session } = useServices();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn btn-quiet" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Account
      </button>
      {open && (
        <AccountDialog
          getToken={() => session.currentToken()}
          onClose={() => setOpen(false)}
          onDeleted={() => {
            setOpen(false);
            // Kept first: a hosted sign-out leaves the page, and the sign-in page shows it from there.
            rememberSignOutNotice(ACCOUNT_DELETED_NOTICE);
            // The header's sign-out (which also ends a hosted sign-in), then the reason, for the sign-in page.
            onSignOut();
            session.signOut(ACCOUNT_DELETED_NOTICE);
          }}
        />
      )}
    </>
  );
}
