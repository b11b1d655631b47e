// One lint for the monorepo: TypeScript rules plus the workspace dependency rules of
// architecture.md §2 (which workspace may import pg, koa, react/ol, or another workspace).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (...patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});
const rule = (group, message, allowTypeImports = false) => ({ group, message, ...(allowTypeImports ? { allowTypeImports } : {}) });
const deep = rule(['@onemap/*/src/*', '@onemap/*/src/**'], 'import a workspace through its package exports, not its files');
const noEnv = {
  'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'configuration is read once, in config.ts or a CLI entry' }],
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', '.test-data/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { console: 'readonly', process: 'readonly', URL: 'readonly', Buffer: 'readonly', performance: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', window: 'readonly', document: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['geodata/src/catalog/**/*.ts'],
    rules: restrict(rule(['@onemap/*', 'pg', 'pg-*', 'koa', 'koa-*', '@koa/*', 'react', 'react-*', 'ol', 'ol/*', 'node:*'], 'the catalogue is pure data: it imports nothing of ours and does no I/O'), rule(['**/sample/**', '**/load/**', '**/readers/**', '**/cli*'], 'the catalogue imports only its own files')),
  },
  {
    files: ['geodata/src/sample/**/*.ts'],
    rules: { ...restrict(rule(['pg', 'pg-*', 'koa', 'koa-*', '@koa/*', 'react', 'ol', 'ol/*', '@onemap/map-server', '@onemap/tiles'], 'the sample generator is pure'), deep), ...noEnv },
  },
  {
    files: ['geodata/src/load/**/*.ts', 'geodata/src/readers/**/*.ts'],
    rules: { ...restrict(rule(['koa', 'koa-*', '@koa/*', 'react', 'ol', 'ol/*', '@onemap/map-server'], 'loaders talk to PostgreSQL only'), deep), ...noEnv },
  },
  {
    files: ['tiles/src/**/*.ts'],
    rules: {
      ...restrict(
        rule(['pg', 'pg-*', 'koa', 'koa-*', '@koa/*', 'react', 'ol', 'ol/*', '@onemap/map-server', '@onemap/migrations', '@onemap/geodata/sample', '@onemap/geodata/load'], 'tiles imports only catalogue types'),
        rule(['@onemap/geodata/catalog'], 'tiles imports only catalogue *types*', true),
        deep,
      ),
      ...noEnv,
    },
  },
  {
    files: ['migrations/src/**/*.ts'],
    ignores: ['migrations/src/cli.ts'],
    rules: { ...restrict(rule(['koa', 'koa-*', '@koa/*', 'react', 'ol', 'ol/*', '@onemap/*'], 'migrations stand alone'), deep), ...noEnv },
  },
  {
    files: ['map-server/src/**/*.ts'],
    ignores: ['map-server/src/config.ts', 'map-server/src/main.ts'],
    rules: { ...restrict(rule(['react', 'react-*', 'ol', 'ol/*', '@onemap/map-client'], 'the server does not import client code'), deep), ...noEnv },
  },
  {
    files: ['map-client/src/**/*.ts', 'map-client/src/**/*.tsx'],
    rules: restrict(
      rule(['pg', 'pg-*', 'koa', 'koa-*', '@koa/*', 'node:*'], 'the client talks to the server over HTTP only'),
      rule(['@onemap/*'], 'the client imports only *types* from other workspaces', true),
      deep,
    ),
  },
);
