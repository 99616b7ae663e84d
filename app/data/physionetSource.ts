/**
 * Where the app downloads Sleep-EDF from. Served by the project's Vite server (dev or preview),
 * it goes through that server's proxy route (same origin, no CORS); anywhere else it asks
 * PhysioNet directly, which browsers may block.
 */
import { PHYSIONET_SLEEP_CASSETTE_URL } from '../../sleep/physionet/index.ts';

export const SERVER_INFO_PATH = '__hypnograd/server.json';
export const PROXY_PATH = 'physionet-proxy/';

export interface DownloadSource {
  baseUrl: string;
  viaProxy: boolean;
}

export async function findDownloadSource(): Promise<DownloadSource> {
  try {
    const response = await fetch(new URL(SERVER_INFO_PATH, document.baseURI), { cache: 'no-store' });
    if (response.ok) {
      const info = (await response.json()) as { physionetProxy?: string };
      if (info.physionetProxy) return { baseUrl: new URL(info.physionetProxy, document.baseURI).href, viaProxy: true };
    }
  } catch {
    /* a static host: no server info */
  }
  return { baseUrl: PHYSIONET_SLEEP_CASSETTE_URL, viaProxy: false };
}

export const BLOCKED_HELP =
  'The browser could not reach PhysioNet directly (cross-origin requests are blocked by this host or by PhysioNet). ' +
  'Either run the app with the project\'s Vite server (npm start or npm run preview), which proxies PhysioNet, ' +
  'or download the files with `npm run fetch-data -- --subjects 0-4` and drop them in "Your EDF files".';
