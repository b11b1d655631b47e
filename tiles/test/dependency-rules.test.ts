import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The workspace dependency rules of architecture.md §2 live in eslint.config.js; these cases
// prove the lint actually rejects each forbidden import (and accepts the allowed ones).
const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports' || m.ruleId === 'no-restricted-properties').map((m) => m.message);
}

describe('workspace dependency rules', () => {
  it.each([
    ['tiles/src/x.ts', "import pg from 'pg';\nexport const a = pg;"],
    ['tiles/src/x.ts', "import { catalog } from '@onemap/geodata/catalog';\nexport const a = catalog;"],
    ['geodata/src/catalog/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;"],
    ['geodata/src/catalog/x.ts', "import { tileChildren } from '@onemap/tiles';\nexport const a = tileChildren;"],
    ['map-client/src/x.ts', "import { catalog } from '@onemap/geodata/catalog';\nexport const a = catalog;"],
    ['map-client/src/x.ts', "import pg from 'pg';\nexport const a = pg;"],
    ['map-server/src/x.ts', "import { Map } from 'ol';\nexport const a = Map;"],
    ['map-server/src/x.ts', "export const a = process.env['PORT'];"],
    ['geodata/src/sample/x.ts', "import pg from 'pg';\nexport const a = pg;"],
    ['map-server/src/x.ts', "import { x } from '@onemap/tiles/src/tile-coord.ts';\nexport const a = x;"],
  ])('%s rejects: %s', async (file, code) => {
    expect(await violations(file, code)).not.toHaveLength(0);
  });

  it.each([
    ['tiles/src/x.ts', "import type { LayerSpec } from '@onemap/geodata/catalog';\nexport type A = LayerSpec;"],
    ['map-client/src/x.ts', "import type { StyleHint } from '@onemap/geodata/catalog';\nexport type A = StyleHint;"],
    ['map-server/src/x.ts', "import pg from 'pg';\nexport const a = pg;"],
    ['geodata/src/load/x.ts', "import pg from 'pg';\nexport const a = pg;"],
  ])('%s allows: %s', async (file, code) => {
    expect(await violations(file, code)).toEqual([]);
  });
});
