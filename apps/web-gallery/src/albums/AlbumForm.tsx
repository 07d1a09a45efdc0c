import { useId, useState, type FormEvent } from 'react';

export interface AlbumFormValue {
  name: string;
  description: string;
}

export interface AlbumFormProps {
  initial?: AlbumFormValue;
  submitLabel: string;
  busy: boolean;
  error: string | null;
  onSubmit: (value: AlbumFormValue) => void;
  onCancel: () => void;
}

/** An album's name and description, for creating one or changing them. */
export function AlbumForm({ initial = { name: '', description: '' }, submitLabel, busy, error, onSubmit, onCancel }: AlbumFormProps) {
  const [value, setValue] = useState(initial);
  const ids = { name: useId(), description: useId(), error: useId() };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ name: value.name.trim(), description: value.description.trim() });
  };
  return (
    <form className="form" onSubmit={submit}>
      <div className="field">
        <label htmlFor={ids.name}>Name</label>
        <input
          id={ids.name}
          value={value.name}
          maxLength={120}
          required
          autoFocus
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? ids.error : undefined}
          onChange={(e) => setValue({ ...value, name: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.description}>Description (optional)</label>
        <textarea id={ids.description} value={value.description} maxLength={2000} rows={3} onChange={(e) => setValue({ ...value, description: e.target.value })} />
      </div>
      {error && (
        <p id={ids.error} className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || value.name.trim() === ''}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
