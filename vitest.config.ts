import { defineConfig } from 'vitest/config';

/**
 * One Vitest run for every workspace. The global setup starts the test PostGIS cluster (its
 * own folder, never the platform's data folder) and builds a template database with the
 * migrations and the full Taizhou sample; suites clone it (CREATE DATABASE … TEMPLATE) and
 * drop their clone.
 */
export default defineConfig({
  test: {
    include: ['{migrations,geodata,tiles,map-server,map-client}/test/**/*.test.ts'],
    globalSetup: ['scripts/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: 'forks',
    // Two cores: two test files at a time keeps PostGIS and Chromium from starving each other.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
