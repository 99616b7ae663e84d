/**
 * A local stand-in for PhysioNet's sleep-cassette folder on 127.0.0.1: serves the given files by
 * name under the real path and counts every request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandIn {
  /** Folder URL, as HYPNOGRAD_PHYSIONET_URL wants it. */
  url: string;
  /** Requested file names, in order. */
  requests: string[];
  close(): Promise<void>;
}

const FOLDER = '/files/sleep-edfx/1.0.0/sleep-cassette/';

export async function startPhysionetStandIn(files: ReadonlyMap<string, Uint8Array>): Promise<StandIn> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const name = path.startsWith(FOLDER) ? decodeURIComponent(path.slice(FOLDER.length)) : '';
    requests.push(name || path);
    const bytes = files.get(name);
    if (!bytes) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) });
    res.end(Buffer.from(bytes));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${FOLDER}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
