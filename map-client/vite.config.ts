/**
 * Vite build and dev server for the one-map client. In production the built `dist/` is served by
 * map-server at `/`, so every API path is same-origin; in development the same paths are proxied
 * to a running map-server (ONEMAP_DEV_API_PORT, default 8080).
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const apiTarget = `http://127.0.0.1:${process.env['ONEMAP_DEV_API_PORT'] ?? 8080}`;

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Vendor chunks download in parallel with the app and stay cached across app releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'proj4', test: /node_modules[\\/](proj4|mgrs|wkt-parser)[\\/]/ },
            // Only the OpenLayers modules the first paint needs ($initial: statically imported from
            // the entry). Draw, Modify, Snap and GeoJSON, used only by the lazily imported editing
            // and change-report modules, stay out and load with them.
            { name: 'ol', test: /node_modules[\\/](ol|rbush|quickselect|earcut|pbf|color-.*)[\\/]/, tags: ['$initial'] },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/catalog': apiTarget,
      '/tiles': apiTarget,
      '/collections': apiTarget,
      '/changes': apiTarget,
    },
  },
});
