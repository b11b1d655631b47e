import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalog } from '@onemap/geodata/catalog';
import { describe, expect, it } from 'vitest';
import { compileCgcs2000TileSql } from '../src/index.ts';

// Golden files, as for the Web Mercator statements (mvt-sql.test.ts).
// Regenerate with UPDATE_GOLDEN=1 npx vitest run tiles.
const goldenDir = fileURLToPath(new URL('./golden/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

describe('compiled CGCS2000Quad tile SQL', () => {
  for (const layer of catalog.layers) {
    it(`${layer.id} matches its golden file`, () => {
      const idIsInteger = ['fid', 'id'].includes(layer.table.idColumn);
      const sql = compileCgcs2000TileSql(layer, idIsInteger);
      const text = `-- current\n${sql.current}\n${sql.asOf ? `-- asOf\n${sql.asOf}\n` : ''}${sql.overview ? `-- overview (z <= ${sql.overview.maxZoom})\n${sql.overview.sql}\n` : ''}`;
      const file = `${goldenDir}${layer.id}.cgcs2000.tile.sql`;
      if (update) writeFileSync(file, text);
      expect(existsSync(file), `golden ${file} missing; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }

  it('binds only level, column, row (and the instant); draws the stored 4490 geometry', () => {
    const roads = catalog.layers.find((l) => l.id === 'roads')!;
    const sql = compileCgcs2000TileSql(roads, true);
    expect(sql.current).not.toMatch(/\$4/);
    expect(sql.asOf).toContain('@> $4::timestamptz');
    expect(sql.current).toContain('ST_AsMVTGeom(CASE WHEN $1::int < 14 THEN ST_Simplify(ST_SnapToGrid(t."geom"');
    expect(sql.current).toContain('4490)');
    expect(sql.current).not.toContain('geom_3857');
    expect(sql.current).not.toContain('ST_TileEnvelope');
  });
});
