import type { StorageUsage } from '../api/types';
import { formatStorage } from '../ui/format';

/** From this share of the quota on, the meter warns. */
export const NEARLY_FULL = 0.9;

/** "1.2 GB used", or "1.2 GB of 10 GB used" where there is a quota. */
export function storageText(storage: StorageUsage): string {
  const used = formatStorage(storage.usedBytes);
  return storage.quotaBytes === null ? `${used} used` : `${used} of ${formatStorage(storage.quotaBytes)} used`;
}

/**
 * The storage the owner uses, in the header's account area: a line of text, and with a quota a
 * meter (a `meter` role whose text is its value, so it is read once). Nothing where the server
 * keeps no usage.
 */
export function StorageUsed({ storage }: { storage: StorageUsage | null | undefined }) {
  if (!storage) return null;
  const text = storageText(storage);
  const items = `${storage.items.toLocaleString()} ${storage.items === 1 ? 'item' : 'items'}`;
  if (storage.quotaBytes === null) {
    return (
      <span className="storage-used" title={items}>
        {text}
      </span>
    );
  }
  const quota = Math.max(storage.quotaBytes, 1);
  const share = Math.min(1, storage.usedBytes / quota);
  const tone = share >= 1 ? ' is-full' : share >= NEARLY_FULL ? ' is-nearly-full' : '';
  return (
    <div
      className={`storage-used storage-meter${tone}`}
      role="meter"
      aria-label="Storage"
      aria-valuemin={0}
      aria-valuemax={quota}
      aria-valuenow={Math.min(storage.usedBytes, quota)}
      aria-valuetext={text}
      title={`${items} · ${Math.round(share * 100)}%`}
    >
      <span className="storage-text">{text}</span>
      <span className="storage-bar" aria-hidden="true">
        <span className="storage-fill" style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </span>
    </div>
  );
}
