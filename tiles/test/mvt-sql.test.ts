import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalog } from '@onemap/geodata/catalog';
import { describe, expect, it } from 'vitest';
import { compileTileSql, quoteIdent } from '../src/index.ts';

// Golden files: a reviewer sees every change to compiled tile SQL as a diff.
// Regenerate with UPDATE_GOLDEN=1 npx vitest run tiles.
const goldenDir = fileURLToPath(new URL('./golden/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

describe('compiled tile SQL', () => {
  for (const layer of catalog.layers) {
    it(`${layer.id} matches its golden file`, () => {
      const idIsInteger = ['fid', 'id'].includes(layer.table.idColumn);
      const sql = compileTileSql(layer, idIsInteger);
      const text = `-- current\n${sql.current}\n${sql.asOf ? `-- asOf\n${sql.asOf}\n` : ''}`;
      const file = `${goldenDir}${layer.id}.tile.sql`;
      if (update) writeFileSync(file, text);
      expect(existsSync(file), `golden ${file} missing; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }

  it('binds only z, x, y (and the instant) — no values in the text', () => {
    const buildings = catalog.layers.find((l) => l.id === 'buildings')!;
    const sql = compileTileSql(buildings, true);
    expect(sql.current).toContain('ST_TileEnvelope($1, $2, $3)');
    expect(sql.current).not.toMatch(/\$4/);
    expect(sql.asOf).toContain('@> $4::timestamptz');
    expect(sql.current).toContain('upper_inf');
  });

  it('publishes exactly the catalogued properties', () => {
    const roads = catalog.layers.find((l) => l.id === 'roads')!;
    const sql = compileTileSql(roads, true).current;
    for (const p of roads.properties) expect(sql).toContain(`t."${p.name}"`);
    expect(sql).not.toContain('changed_by');
    expect(sql).not.toContain('t."geom",');
  });

  it('quotes hostile identifiers safely', () => {
    expect(quoteIdent('Quote"d Name')).toBe('"Quote""d Name"');
    expect(() => quoteIdent('')).toThrow();
    expect(() => quoteIdent('a\u0000b')).toThrow();
  });
});
