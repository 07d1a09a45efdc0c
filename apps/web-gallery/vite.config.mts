import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  resolve: {
    // Workspace libraries resolve to their TypeScript source, as in tests and type-checks.
    conditions: ['@mediaflow/source', 'browser', 'module', 'import', 'default'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: true,
    // hls.js is one ~570 KB lazy chunk, fetched only when a stream plays.
    chunkSizeWarningLimit: 600,
    // Everything is emitted as files: nothing inline, so the app runs under a strict CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    // `vite` in dev proxies the API to a running `mediaflow serve`.
    proxy: {
      '/api': process.env['MEDIAFLOW_URL'] ?? 'http://localhost:3000',
      '/media': process.env['MEDIAFLOW_URL'] ?? 'http://localhost:3000',
      '/_local': process.env['MEDIAFLOW_URL'] ?? 'http://localhost:3000',
    },
  },
});
