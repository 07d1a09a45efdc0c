import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient, VisitorApi } from '../api/client';
import type { MediaView } from '../api/types';
import type { Session } from '../auth/session';
import type { UploadQueue } from '../upload/queue';

/** Item changes that more than one view cares about (an upload became ready, an edit, a delete). */
export class MediaEvents {
  private readonly updated = new Set<(item: MediaView) => void>();
  private readonly removed = new Set<(id: string) => void>();
  private readonly storage = new Set<() => void>();

  onUpdated(listener: (item: MediaView) => void): () => void {
    this.updated.add(listener);
    return () => this.updated.delete(listener);
  }

  onRemoved(listener: (id: string) => void): () => void {
    this.removed.add(listener);
    return () => this.removed.delete(listener);
  }

  emitUpdated(item: MediaView): void {
    for (const listener of this.updated) listener(item);
  }

  emitRemoved(id: string): void {
    for (const listener of this.removed) listener(id);
  }

  /** What the owner stores may have changed where no listed item did (the trash restored, deleted for good or emptied). */
  onStorageChanged(listener: () => void): () => void {
    this.storage.add(listener);
    return () => this.storage.delete(listener);
  }

  emitStorageChanged(): void {
    for (const listener of this.storage) listener();
  }
}

export interface Services {
  api: ApiClient;
  /** The share links' public routes, for the visitor page: never with the owner's token. */
  visitor: VisitorApi;
  session: Session;
  uploads: UploadQueue;
  events: MediaEvents;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() outside <ServicesProvider>');
  return services;
}
