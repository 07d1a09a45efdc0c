import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { ApiError } from '../api/client';
import type { MediaView } from '../api/types';
import { useServices } from '../app/services';
import { normalizeTag } from '../gallery/Filters';
import { CloseIcon } from '../ui/icons';

/** Title, description and the owner's own tags; AI tags are shown apart and never sent back. */
export function Editor({ item, onSaved }: { item: MediaView; onSaved: (item: MediaView) => void }) {
  const { api } = useServices();
  const ownTags = item.tags.filter((t) => t.source === 'user').map((t) => t.name);
  const [title, setTitle] = useState(item.title ?? '');
  const [description, setDescription] = useState(item.description ?? '');
  const [tags, setTags] = useState<string[]>(ownTags);
  const [draft, setDraft] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const addDraft = (): string[] => {
    const names = draft.split(',').map(normalizeTag).filter(Boolean);
    if (names.length === 0) return tags;
    const next = [...new Set([...tags, ...names])];
    setTags(next);
    setDraft('');
    return next;
  };
  const dirty =
    (title.trim() || null) !== (item.title ?? null) ||
    (description.trim() || null) !== (item.description ?? null) ||
    tags.join('\n') !== ownTags.join('\n') ||
    draft.trim() !== '';

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const finalTags = addDraft();
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await api.updateMedia(item.id, { title: title.trim() || null, description: description.trim() || null, tags: finalTags });
      setTags(updated.tags.filter((t) => t.source === 'user').map((t) => t.name));
      setSaved(true);
      onSaved(updated);
    } catch (e) {
      setError(e instanceof ApiError ? e.detail : 'The changes could not be saved. Try again.');
    } finally {
      setSaving(false);
    }
  };

  const onTagKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && draft.trim()) {
      event.preventDefault();
      addDraft();
    } else if (event.key === 'Backspace' && draft === '' && tags.length > 0) {
      setTags(tags.slice(0, -1));
    }
  };

  return (
    <form className="editor" onSubmit={save}>
      <label className="field">
        <span>Title</span>
        <input value={title} maxLength={200} placeholder={item.filename} onChange={(e) => { setTitle(e.target.value); setSaved(false); }} />
      </label>
      <label className="field">
        <span>Description</span>
        <textarea value={description} rows={3} maxLength={2000} onChange={(e) => { setDescription(e.target.value); setSaved(false); }} />
      </label>
      <div className="field">
        <span id={`own-tags-${item.id}`}>Your tags</span>
        <div className="tag-input" aria-labelledby={`own-tags-${item.id}`}>
          {tags.map((t) => (
            <span key={t} className="tag tag-user">
              {t}
              <button type="button" className="tag-remove" aria-label={`Remove tag ${t}`} onClick={() => { setTags(tags.filter((x) => x !== t)); setSaved(false); }}>
                <CloseIcon size={12} />
              </button>
            </span>
          ))}
          <input
            aria-label="Add a tag"
            placeholder={tags.length ? 'Add another…' : 'Add a tag and press Enter'}
            value={draft}
            onChange={(e) => { setDraft(e.target.value); setSaved(false); }}
            onKeyDown={onTagKey}
          />
        </div>
      </div>
      <div className="editor-actions">
        <button type="submit" className="btn btn-primary" disabled={saving || !dirty}>
          {saving ? 'Saving…' : 'Save changes'}
        </button>
        <span role="status" className="muted">{saved && !dirty ? 'Saved' : ''}</span>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
