import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useServices } from '../app/services';
import { CloseIcon, PauseIcon, PlayIcon, RetryIcon } from '../ui/icons';
import { formatBytes } from '../ui/format';
import type { UploadEntry, UploadPhase, UploadQueue } from './queue';

const PHASE_LABELS: Record<UploadPhase, string> = {
  queued: 'Waiting',
  starting: 'Starting',
  uploading: 'Uploading',
  paused: 'Paused',
  completing: 'Finishing',
  processing: 'Processing',
  ready: 'Ready',
  flagged: 'Held for review',
  failed: 'Failed',
  duplicate: 'Duplicate',
  rejected: 'Rejected',
  interrupted: 'Interrupted',
};

function percent(loaded: number, total: number): number {
  return total > 0 ? Math.round((loaded / total) * 100) : 0;
}

/** An upload a reload interrupted: choose its file again to resume, or discard it (its item too). */
function InterruptedActions({ entry, queue }: { entry: UploadEntry; queue: UploadQueue }) {
  const picker = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={picker}
        type="file"
        hidden
        data-testid="resume-picker"
        aria-label={`The file to resume ${entry.name} with`}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void queue.resumeWith(entry.key, file);
        }}
      />
      <button type="button" className="btn btn-quiet btn-small" onClick={() => picker.current?.click()} aria-label={`Choose file to resume ${entry.name}`}>
        Choose file
      </button>
      <button type="button" className="btn btn-quiet btn-small" onClick={() => void queue.discard(entry.key)} aria-label={`Discard ${entry.name}`}>
        Discard
      </button>
    </>
  );
}

function Row({ entry, queue }: { entry: UploadEntry; queue: UploadQueue }) {
  const pct = percent(entry.loaded, entry.size);
  const sending = entry.phase === 'uploading' || entry.phase === 'paused';
  const interrupted = entry.phase === 'interrupted';
  return (
    <li className={`upload-row phase-${entry.phase}`} data-testid="upload-row" data-media-id={entry.mediaId ?? undefined}>
      <div className="upload-row-head">
        <span className="upload-name" title={entry.name}>
          {entry.name}
        </span>
        <span className="upload-phase">
          {PHASE_LABELS[entry.phase]}
          {sending ? ` · ${pct}%` : ''}
        </span>
      </div>
      <progress className="bar" max={100} value={entry.phase === 'processing' ? undefined : pct} aria-label={`${entry.name}: ${PHASE_LABELS[entry.phase]}`} />
      {entry.multipart && entry.parts.length > 0 && (
        <ol className="parts" aria-label="Parts">
          {entry.parts.map((p) => (
            <li key={p.number} className={`part part-${p.state}`} title={`Part ${p.number}: ${p.state}`} />
          ))}
        </ol>
      )}
      <div className="upload-row-foot">
        <span className="upload-size">{formatBytes(entry.size)}</span>
        {entry.message && <span className="upload-message">{entry.message}</span>}
        <span className="upload-actions">
          {entry.multipart && entry.phase === 'uploading' && (
            <button type="button" className="icon-btn" onClick={() => queue.pause(entry.key)} aria-label={`Pause ${entry.name}`}>
              <PauseIcon size={16} />
            </button>
          )}
          {entry.phase === 'paused' && (
            <button type="button" className="icon-btn" onClick={() => queue.resume(entry.key)} aria-label={`Resume ${entry.name}`}>
              <PlayIcon size={16} />
            </button>
          )}
          {entry.phase === 'failed' && entry.retryable && (
            <button type="button" className="icon-btn" onClick={() => queue.retry(entry.key)} aria-label={`Retry ${entry.name}`}>
              <RetryIcon size={16} />
            </button>
          )}
          {interrupted ? (
            <InterruptedActions entry={entry} queue={queue} />
          ) : (
            <button type="button" className="icon-btn" onClick={() => queue.dismiss(entry.key)} aria-label={`Remove ${entry.name} from the list`}>
              <CloseIcon size={16} />
            </button>
          )}
        </span>
      </div>
    </li>
  );
}

/**
 * The upload list: overall progress, then one row per file with its own bar and actions. On
 * mount, and whenever someone else signs in, it lists the signed-in owner's uploads a reload
 * interrupted.
 */
export function UploadTray({ queue }: { queue: UploadQueue }) {
  const entries = useSyncExternalStore(queue.subscribe, queue.getSnapshot);
  const [collapsed, setCollapsed] = useState(false);
  const ownerId = useServices().session.ownerId;
  useEffect(() => {
    void queue.restore();
  }, [queue, ownerId]);
  if (entries.length === 0) return null;
  const totals = queue.totals();
  const pct = percent(totals.loaded, totals.total);
  const summary =
    totals.active > 0
      ? `Uploading ${totals.active} of ${entries.length} · ${pct}%`
      : `${totals.done} done${totals.problems ? `, ${totals.problems} need attention` : ''}`;
  return (
    <section className="tray" aria-label="Uploads">
      <header className="tray-head">
        <div className="tray-summary" role="status" aria-live="polite">
          {summary}
        </div>
        <div className="tray-actions">
          {totals.active === 0 && (
            <button type="button" className="btn btn-quiet btn-small" onClick={() => queue.clearFinished()}>
              Clear
            </button>
          )}
          <button type="button" className="btn btn-quiet btn-small" aria-expanded={!collapsed} onClick={() => setCollapsed((c) => !c)}>
            {collapsed ? 'Show' : 'Hide'}
          </button>
        </div>
      </header>
      <progress className="bar bar-overall" max={100} value={pct} aria-label="Overall upload progress" />
      {!collapsed && (
        <ul className="tray-list">
          {entries.map((entry) => (
            <Row key={entry.key} entry={entry} queue={queue} />
          ))}
        </ul>
      )}
    </section>
  );
}
