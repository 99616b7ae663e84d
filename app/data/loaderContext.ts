import { createContext } from '@lit/context';
import type { DataLoader, DownloadRow, LoadStatus } from './loader.ts';

/** The shell's loader with a snapshot of its status (a new object whenever the status moves). */
export interface LoadView {
  loader: DataLoader;
  status: LoadStatus;
  downloads: DownloadRow[];
  downloadHelp: string | null;
}

export const loaderContext = createContext<LoadView>(Symbol('hypnograd-loader'));
