import { defineConfig, type Plugin, type ProxyOptions } from 'vite';

/**
 * The app lives in app/; engine/, sleep/ and shaders/ are imported from there. base './' so the
 * built site works from any folder of any static host.
 *
 * PhysioNet downloads: browsers may refuse cross-origin requests to physionet.org, so the
 * project's own servers (dev and preview) proxy it at /physionet-proxy/. HYPNOGRAD_PHYSIONET_URL
 * replaces the sleep-cassette folder URL (tests point it at a local stand-in).
 */
const PHYSIONET_URL = new URL(process.env.HYPNOGRAD_PHYSIONET_URL ?? 'https://physionet.org/files/sleep-edfx/1.0.0/sleep-cassette/');
const PROXY_PREFIX = '/physionet-proxy/';
const targetPath = PHYSIONET_URL.pathname.endsWith('/') ? PHYSIONET_URL.pathname : `${PHYSIONET_URL.pathname}/`;

const proxy: Record<string, ProxyOptions> = {
  [PROXY_PREFIX]: {
    target: PHYSIONET_URL.origin,
    changeOrigin: true,
    rewrite: (path) => targetPath + path.slice(PROXY_PREFIX.length),
  },
};

/** Tells the app (same origin) that this server proxies PhysioNet; a static host has no such file. */
function serverInfo(): Plugin {
  const body = JSON.stringify({ physionetProxy: PROXY_PREFIX.slice(1) });
  const handler = (req: { url?: string }, res: { setHeader(k: string, v: string): void; end(b: string): void }, next: () => void) => {
    if (req.url?.split('?')[0] === '/__hypnograd/server.json') {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-store');
      res.end(body);
    } else next();
  };
  return {
    name: 'hypnograd-server-info',
    configureServer: (server) => void server.middlewares.use(handler),
    configurePreviewServer: (server) => void server.middlewares.use(handler),
  };
}

export default defineConfig({
  root: 'app',
  base: './',
  plugins: [serverInfo()],
  // keepNames: the model summary names layers by their class (constructor.name), which
  // minification would otherwise turn into letters.
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022', rolldownOptions: { output: { keepNames: true } } },
  worker: { format: 'es', rolldownOptions: { output: { keepNames: true } } },
  server: { host: '127.0.0.1', fs: { allow: ['..'] }, proxy },
  preview: { host: '127.0.0.1', proxy },
});
