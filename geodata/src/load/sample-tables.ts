/**
 * How each table of the sample dataset maps onto its `base` table (migration 0002): the COPY
 * column list and one row of values per dataset row. Serial/identity columns and the generated
 * `geom_3857` are left to the database. The order is FK-safe (districts before towns).
 */
import type { SampleDataset, Versioned } from '../sample/types.ts';
import type { CopyValue } from './copy-text.ts';
import { multiLineEwkbHex, multiPolygonEwkbHex, pointEwkbHex } from './ewkb.ts';

/** Storage CRS of every `base` table: CGCS2000. */
export const STORAGE_SRID = 4490;

/** COPY mapping of one dataset table. */
export interface SampleTable {
  /** Table name inside schema `base`, also the catalogue table name. */
  readonly table: string;
  readonly columns: readonly string[];
  /** Whether the table has a `fid` sequence to move past the loaded ids. */
  readonly versioned: boolean;
  rows(dataset: SampleDataset): Iterable<readonly CopyValue[]>;
  count(dataset: SampleDataset): number;
}

function validRange(v: Versioned): string {
  return `[${v.validFrom},${v.validTo ?? ''})`;
}

const VERSION_COLUMNS = ['fid', 'valid', 'changed_by', 'change_note'] as const;
const CHANGED_BY = 'sample';

function versionValues(v: Versioned): CopyValue[] {
  return [v.fid, validRange(v), CHANGED_BY, v.changeNote];
}

/** All tables, in load order. */
export const SAMPLE_TABLES: readonly SampleTable[] = [
  {
    table: 'districts', versioned: false,
    columns: ['adcode', 'name', 'name_en', 'area_km2', 'geom'],
    count: (d) => d.districts.length,
    *rows(d) {
      for (const r of d.districts) yield [r.adcode, r.name, r.nameEn, r.areaKm2, multiPolygonEwkbHex(r.geom, STORAGE_SRID)];
    },
  },
  {
    table: 'towns', versioned: false,
    columns: ['code', 'name', 'kind', 'district_adcode', 'geom'],
    count: (d) => d.towns.length,
    *rows(d) {
      for (const r of d.towns) yield [r.code, r.name, r.kind, r.districtAdcode, multiPolygonEwkbHex(r.geom, STORAGE_SRID)];
    },
  },
  {
    table: 'coastline', versioned: false,
    columns: ['name', 'kind', 'geom'],
    count: (d) => d.coastline.length,
    *rows(d) {
      for (const r of d.coastline) yield [r.name, r.kind, multiLineEwkbHex(r.geom, STORAGE_SRID)];
    },
  },
  {
    table: 'water_areas', versioned: false,
    columns: ['name', 'kind', 'geom'],
    count: (d) => d.waterAreas.length,
    *rows(d) {
      for (const r of d.waterAreas) yield [r.name, r.kind, multiPolygonEwkbHex(r.geom, STORAGE_SRID)];
    },
  },
  {
    table: 'rivers', versioned: false,
    columns: ['name', 'grade', 'length_km', 'geom'],
    count: (d) => d.rivers.length,
    *rows(d) {
      for (const r of d.rivers) yield [r.name, r.grade, r.lengthKm, multiLineEwkbHex(r.geom, STORAGE_SRID)];
    },
  },
  {
    table: 'place_names', versioned: false,
    columns: ['name', 'class', 'rank', 'adcode', 'geom'],
    count: (d) => d.placeNames.length,
    *rows(d) {
      for (const r of d.placeNames) yield [r.name, r.class, r.rank, r.adcode, pointEwkbHex(r.geom, STORAGE_SRID)];
    },
  },
  {
    table: 'roads', versioned: true,
    columns: [...VERSION_COLUMNS, 'name', 'class', 'lanes', 'opened_year', 'geom'],
    count: (d) => d.roads.length,
    *rows(d) {
      for (const r of d.roads) yield [...versionValues(r), r.name, r.class, r.lanes, r.openedYear, multiLineEwkbHex(r.geom, STORAGE_SRID)];
    },
  },
  {
    table: 'buildings', versioned: true,
    columns: [...VERSION_COLUMNS, 'name', 'use', 'floors', 'height_m', 'year_built', 'district_adcode', 'geom'],
    count: (d) => d.buildings.length,
    *rows(d) {
      for (const r of d.buildings)
        yield [...versionValues(r), r.name, r.use, r.floors, r.heightM, r.yearBuilt, r.districtAdcode, multiPolygonEwkbHex(r.geom, STORAGE_SRID)];
    },
  },
  {
    table: 'land_cover', versioned: true,
    columns: [...VERSION_COLUMNS, 'class_code', 'class_name', 'survey_year', 'area_m2', 'geom'],
    count: (d) => d.landCover.length,
    *rows(d) {
      for (const r of d.landCover) yield [...versionValues(r), r.classCode, r.className, r.surveyYear, r.areaM2, multiPolygonEwkbHex(r.geom, STORAGE_SRID)];
    },
  },
];
