import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Where `npm run dev` sends /api: a running API (npm run start:api), by default on 2271. */
const apiTarget = process.env.MPANEL_API_URL ?? 'http://127.0.0.1:2271';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: {
      '@/': here('./src/'),
      // The bridge to the API's own zod schemas and types (src/api/contracts.ts is the only user).
      '@api/': here('../api/src/'),
    },
    // mantine-datatable sits at the workspace root and would otherwise load a second @mantine/core.
    dedupe: ['react', 'react-dom', '@mantine/core', '@mantine/hooks', 'zod'],
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    server: { deps: { inline: ['mantine-datatable'] } },
  },
});
