import type { ReactNode } from 'react';

export interface LoadFailedProps {
  /** What could not be loaded, as a heading: "Your albums could not be loaded". */
  title: string;
  /** Why: the API problem's detail. */
  detail: string;
  onRetry: () => void;
  /** More to say, between the reason and the button. */
  children?: ReactNode;
}

/** A list whose first page failed: what and why, and a Try again button. */
export function LoadFailed({ title, detail, onRetry, children }: LoadFailedProps) {
  return (
    <div className="state state-error" role="alert">
      <h2>{title}</h2>
      <p>{detail}</p>
      {children}
      <button type="button" className="btn btn-primary" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

export interface LoadMoreProps {
  hasMore: boolean;
  /** How many items are shown: an empty list has no button. */
  count: number;
  loading: boolean;
  onLoadMore: () => void;
  label?: string;
}

/** The button under a paged list that asks for its next page, while there is one. */
export function LoadMore({ hasMore, count, loading, onLoadMore, label = 'Load more' }: LoadMoreProps) {
  if (!hasMore || count === 0) return null;
  return (
    <div className="grid-more">
      <button type="button" className="btn btn-quiet" onClick={onLoadMore} disabled={loading}>
        {loading ? 'Loading…' : label}
      </button>
    </div>
  );
}
