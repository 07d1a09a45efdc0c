import { useId, useState, type FormEvent } from 'react';
import { MAX_TAG_LENGTH, normalizeTag } from '../search/view';
import { Dialog } from '../ui/Dialog';

/** The most tags one bulk request adds or removes. */
export const MAX_BULK_TAGS = 20;

export interface TagsDialogProps {
  mode: 'add' | 'remove';
  /** What the tags go on or come off, e.g. "5 items". */
  subject: string;
  /** Tags to offer: the library's when adding, those on the selected items when removing. */
  suggestions: readonly string[];
  /** Runs the action; the dialog closes once it has run (its outcome is told by the page). */
  onSubmit: (tags: string[]) => Promise<void>;
  onClose: () => void;
}

/** Tags typed with commas between them, as the API stores them, without repeats. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map(normalizeTag).filter((t) => t.length > 0))];
}

/** Why a list of tags cannot be sent, or null when it can. */
export function tagsProblem(tags: readonly string[]): string | null {
  if (tags.length === 0) return 'Type at least one tag.';
  if (tags.length > MAX_BULK_TAGS) return `At most ${MAX_BULK_TAGS} tags at a time.`;
  const long = tags.find((t) => Array.from(t).length > MAX_TAG_LENGTH);
  return long ? `“${long}” is longer than ${MAX_TAG_LENGTH} characters.` : null;
}

/** Adds tags to, or removes them from, several items: a tag input (commas between tags) and suggestions. */
export function TagsDialog({ mode, subject, suggestions, onSubmit, onClose }: TagsDialogProps) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { input: useId(), hint: useId(), list: useId(), error: useId() };
  const adding = mode === 'add';
  const chosen = parseTags(text);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const tags = parseTags(text);
    const why = tagsProblem(tags);
    setProblem(why);
    if (why) return;
    setBusy(true);
    try {
      await onSubmit(tags);
    } finally {
      setBusy(false);
    }
    onClose();
  };

  const pick = (tag: string) => setText(chosen.includes(tag) ? chosen.filter((t) => t !== tag).join(', ') : [...chosen, tag].join(', '));

  return (
    <Dialog title={adding ? 'Add tags' : 'Remove tags'} subtitle={subject} onClose={onClose} className="dialog-narrow">
      <form className="tags-form" onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor={ids.input}>{adding ? 'Tags to add' : 'Tags to remove'}</label>
        <input
          id={ids.input}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={adding ? 'e.g. beach, summer 2021' : 'e.g. beach'}
          list={adding ? ids.list : undefined}
          autoComplete="off"
          autoFocus
          aria-describedby={problem ? `${ids.hint} ${ids.error}` : ids.hint}
          aria-invalid={problem ? true : undefined}
        />
        <p id={ids.hint} className="muted tags-hint">
          Put commas between tags.
        </p>
        {adding && (
          <datalist id={ids.list}>
            {suggestions.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        )}
        {!adding && suggestions.length > 0 && (
          <div className="chips" role="group" aria-label="Tags on these items">
            {suggestions.map((t) => (
              <button key={t} type="button" className="chip" aria-pressed={chosen.includes(t)} onClick={() => pick(t)}>
                {t}
              </button>
            ))}
          </div>
        )}
        {problem && (
          <p id={ids.error} className="form-error" role="alert">
            {problem}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? (adding ? 'Adding…' : 'Removing…') : adding ? 'Add tags' : 'Remove tags'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
