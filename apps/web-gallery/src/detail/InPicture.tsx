import { useId, useState } from 'react';

/** Lines of read text shown before "Show all text". */
export const TEXT_PREVIEW_LINES = 3;

export interface InPictureProps {
  /** Faces the tagger counted (the most in one frame); none or 0 shows nothing. */
  faces?: number | null | undefined;
  /** Words read from the picture; empty or absent shows nothing. */
  text?: string | null | undefined;
}

/** "1 person", "4 people". */
export function peopleLabel(faces: number): string {
  return faces === 1 ? '1 person' : `${faces} people`;
}

/** The text's non-empty lines, trimmed. */
export function textLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * What the tagger and the text reader found in the picture: how many people (a count, never who)
 * and the words printed in it, the first lines at once and the rest on request. Nothing at all
 * when neither found anything.
 */
export function InPicture({ faces, text }: InPictureProps) {
  const [open, setOpen] = useState(false);
  const textId = useId();
  const people = typeof faces === 'number' && faces >= 1 ? Math.floor(faces) : 0;
  const lines = text ? textLines(text) : [];
  if (people === 0 && lines.length === 0) return null;
  const more = lines.length > TEXT_PREVIEW_LINES;
  const shown = open || !more ? lines : lines.slice(0, TEXT_PREVIEW_LINES);
  return (
    <section className="info-section" aria-label="In the picture">
      <h3>In the picture</h3>
      {people > 0 && <p className="in-picture-people">{peopleLabel(people)}</p>}
      {lines.length > 0 && (
        <figure className="in-picture-text">
          <figcaption className="muted">Text read from the picture</figcaption>
          <blockquote id={textId} style={{ whiteSpace: 'pre-line', margin: 0 }}>
            {shown.join('\n')}
            {more && !open ? '…' : ''}
          </blockquote>
          {more && (
            <button type="button" className="btn btn-quiet" aria-expanded={open} aria-controls={textId} onClick={() => setOpen((was) => !was)}>
              {open ? 'Show less' : `Show all text (${lines.length} lines)`}
            </button>
          )}
        </figure>
      )}
    </section>
  );
}
