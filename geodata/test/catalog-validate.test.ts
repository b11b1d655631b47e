import { describe, expect, it } from 'vitest';
import { catalog, validateAgainstSchema, validateCatalog, type Catalog, type LayerSpec, type LiveColumn } from '../src/catalog/index.ts';

const buildings = catalog.layers.find((l) => l.id === 'buildings')!;

function withLayer(patch: Partial<LayerSpec>): Catalog {
  return { ...catalog, layers: [{ ...buildings, ...patch }] };
}

/** Live columns exactly matching a layer, as the database would report them. */
function liveFor(layer: LayerSpec): LiveColumn[] {
  const t = layer.table;
  const udt = { string: 'text', integer: 'int4', number: 'float8', boolean: 'bool', date: 'date', datetime: 'timestamptz' } as const;
  return [
    { schema: t.schema, table: t.name, column: t.idColumn, udtName: 'int8' },
    { schema: t.schema, table: t.name, column: t.geometryColumn, udtName: 'geometry', geometryType: t.geometryType.toUpperCase(), srid: 4490 },
    { schema: t.schema, table: t.name, column: t.tileGeometryColumn, udtName: 'geometry', geometryType: t.geometryType.toUpperCase(), srid: 3857 },
    { schema: t.schema, table: t.name, column: 'valid', udtName: 'tstzrange' },
    ...layer.properties.map((p) => ({ schema: t.schema, table: t.name, column: p.name, udtName: udt[p.type] })),
    ...(layer.generalization?.overview
      ? [
          { schema: t.schema, table: layer.generalization.overview.table, column: t.tileGeometryColumn, udtName: 'geometry', geometryType: 'POLYGON', srid: 3857 },
          { schema: t.schema, table: layer.generalization.overview.table, column: 'area_m2', udtName: 'float8' },
          ...layer.generalization.overview.properties.map((p) => ({ schema: t.schema, table: layer.generalization!.overview!.table, column: p.name, udtName: udt[p.type] })),
        ]
      : []),
  ];
}

describe('catalogue validation', () => {
  it('the shipped catalogue is consistent', () => {
    expect(validateCatalog(catalog)).toEqual([]);
    expect(catalog.layers.length).toBeGreaterThanOrEqual(9);
  });

  it('reports every problem at once, each with a path', () => {
    const broken = withLayer({
      id: 'Bad Id',
      group: 'nope',
      zoom: { min: 15, max: 30 },
      properties: [...buildings.properties, buildings.properties[0]!],
      style: { ...buildings.style, label: { property: 'missing', color: '#000', haloColor: '#fff', sizePx: 10, minZoom: 10 } },
      temporal: 'static',
    });
    const paths = validateCatalog(broken).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'layers.Bad Id.id',
        'layers.Bad Id.group',
        'layers.Bad Id.zoom.max',
        'layers.Bad Id.properties[6].name',
        'layers.Bad Id.style.label.property',
        'layers.Bad Id.editable',
      ]),
    );
  });

  it('matches a live schema that agrees', () => {
    const one = { ...catalog, layers: [buildings] };
    expect(validateAgainstSchema(one, liveFor(buildings))).toEqual([]);
  });

  it('lists every mismatch with the live schema', () => {
    const one = { ...catalog, layers: [buildings] };
    const live = liveFor(buildings)
      .filter((c) => c.column !== 'floors' && c.column !== 'valid')
      .map((c) => (c.column === 'geom' ? { ...c, srid: 4326 } : c.column === 'height_m' ? { ...c, udtName: 'text' } : c));
    const messages = validateAgainstSchema(one, live).map((p) => `${p.path}: ${p.message}`);
    expect(messages).toHaveLength(4);
    expect(messages.join('\n')).toMatch(/floors not found/);
    expect(messages.join('\n')).toMatch(/SRID 4326/);
    expect(messages.join('\n')).toMatch(/height_m is text/);
    expect(messages.join('\n')).toMatch(/valid not found/);
  });

  it('reports a missing table', () => {
    expect(validateAgainstSchema({ ...catalog, layers: [buildings] }, [])).toEqual([{ path: 'layers.buildings.table', message: 'table base.buildings not found' }]);
  });
});
