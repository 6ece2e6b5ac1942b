/// <reference types="vitest/config" />
// Build, dev-server and unit-test configuration for the Nimbus SPA.
import tailwindcss from '@tailwindcss/vite'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    // The binary embeds frontend/dist and serves it with a strict CSP: keep every
    // asset (fonts, svg) a real file under /assets rather than a data: URL.
    assetsInlineLimit: 0,
    emptyOutDir: true,
    // The plugin-timing report fires on slow (2-core CI) machines and is only noise in `make`.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    // `npm run dev` next to `nimbus demo` started with PORT=8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'happy-dom',
    // openapi-fetch builds absolute URLs from location.origin; happy-dom needs a real URL.
    environmentOptions: { happyDOM: { url: 'http://localhost:3000/' } },
    setupFiles: ['./src/test/setup.ts'],
    restoreMocks: true,
    // EventSource, missing from happy-dom, is stubbed per test (src/test/vms.ts).
    unstubGlobals: true,
  },
})
