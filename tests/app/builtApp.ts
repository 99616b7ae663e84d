/**
 * The built app served by `vite preview` (programmatically) on 127.0.0.1, with the PhysioNet
 * proxy pointed wherever HYPNOGRAD_PHYSIONET_URL says at the time of the call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, preview, type PreviewServer } from 'vite';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface BuiltApp {
  baseUrl: string;
  close(): Promise<void>;
}

export async function buildAndPreview(physionetUrl: string): Promise<BuiltApp> {
  const outDir = await mkdtemp(join(tmpdir(), 'hypnograd-dist-'));
  const previous = process.env.HYPNOGRAD_PHYSIONET_URL;
  process.env.HYPNOGRAD_PHYSIONET_URL = physionetUrl;
  let server: PreviewServer | null = null;
  try {
    const common = { configFile: join(repoRoot, 'vite.config.ts'), root: join(repoRoot, 'app'), logLevel: 'error' as const };
    await build({ ...common, build: { outDir, emptyOutDir: true } });
    server = await preview({ ...common, build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
    const address = server.httpServer.address() as AddressInfo;
    const s = server;
    return {
      baseUrl: `http://127.0.0.1:${address.port}/`,
      close: async () => {
        await s.close();
        await rm(outDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.close();
    await rm(outDir, { recursive: true, force: true });
    throw error;
  } finally {
    if (previous === undefined) delete process.env.HYPNOGRAD_PHYSIONET_URL;
    else process.env.HYPNOGRAD_PHYSIONET_URL = previous;
  }
}
