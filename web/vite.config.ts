// Builds the web app into web/dist (served by the server at /). `npm run dev:web` serves it with
// hot reload and forwards /api to a running server (ATELIER_URL, default http://localhost:8080).
import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), tailwindcss()],
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    // keep CI fast: no source maps, no gzip size report
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: { '/api': { target: process.env.ATELIER_URL ?? 'http://localhost:8080', changeOrigin: false } },
  },
  clearScreen: false,
});
