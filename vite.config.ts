import { defineConfig } from 'vite';

// The app lives in app/; engine/, sleep/ and shaders/ are imported from there.
export default defineConfig({
  root: 'app',
  base: './',
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022' },
  server: { host: '127.0.0.1', fs: { allow: ['..'] } },
  preview: { host: '127.0.0.1' },
});
