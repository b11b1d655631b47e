/**
 * Shapes of the Taizhou sample dataset: one array of plain rows per `base` table, geometry as
 * coordinate arrays in CGCS2000 (EPSG:4490) lon/lat degrees (numerically equal to WGS84 here,
 * domain.md §5.1). Generated, not loaded: no I/O types appear here.
 */

/** `[lon, lat]` in degrees. */
export type LonLat = [lon: number, lat: number];
/** Closed ring: the first and last positions are equal. Outer rings counter-clockwise. */
export type Ring = LonLat[];
/** Outer ring first, then holes. */
export type PolygonCoords = Ring[];
/** Polygons of a MultiPolygon. */
export type MultiPolygonCoords = PolygonCoords[];
/** Positions of a LineString. */
export type LineCoords = LonLat[];
/** Lines of a MultiLineString. */
export type MultiLineCoords = LineCoords[];

/** Validity interval of one version of a feature: `[validFrom, validTo)`, `null` = open. */
export interface Versioned {
  /** Feature id shared by all versions of one feature. */
  readonly fid: number;
  /** ISO 8601 with offset, e.g. `1998-07-01T00:00:00+08:00`. */
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly changeNote: string | null;
}

/** A row of `base.districts`. */
export interface DistrictRow {
  readonly adcode: string;
  readonly name: string;
  readonly nameEn: string;
  readonly areaKm2: number;
  readonly geom: MultiPolygonCoords;
}

/** 街道 (urban subdistrict), 镇 (town), 乡 (township). */
export type TownKind = '街道' | '镇' | '乡';

/** A row of `base.towns`. */
export interface TownRow {
  /** District adcode + 3 digits. */
  readonly code: string;
  readonly name: string;
  readonly kind: TownKind;
  readonly districtAdcode: string;
  readonly geom: MultiPolygonCoords;
}

/** A row of `base.coastline`. */
export interface CoastlineRow {
  readonly name: string;
  readonly kind: 'mainland' | 'island';
  readonly geom: MultiLineCoords;
}

/** Kinds allowed by `base.water_areas.kind`. */
export type WaterAreaKind = 'reservoir' | 'lake' | 'river' | 'sea';

/** A row of `base.water_areas`. */
export interface WaterAreaRow {
  readonly name: string;
  readonly kind: WaterAreaKind;
  readonly geom: MultiPolygonCoords;
}

/** A row of `base.rivers`; `lengthKm` is ellipsoidal. */
export interface RiverRow {
  readonly name: string;
  readonly grade: 1 | 2 | 3 | 4;
  readonly lengthKm: number;
  readonly geom: MultiLineCoords;
}

/** Classes allowed by `base.place_names.class`. */
export type PlaceClass = 'seat' | 'town' | 'village' | 'community' | 'peak' | 'water' | 'poi';

/** A row of `base.place_names`. */
export interface PlaceNameRow {
  readonly name: string;
  readonly class: PlaceClass;
  /** 1 (most important) … 5. */
  readonly rank: number;
  readonly adcode: string;
  readonly geom: LonLat;
}

/** Classes allowed by `base.roads.class`. */
export type RoadClass = 'expressway' | 'national' | 'provincial' | 'arterial' | 'secondary' | 'branch';

/** A version of a road (`base.roads`). */
export interface RoadRow extends Versioned {
  readonly name: string | null;
  readonly class: RoadClass;
  readonly lanes: number;
  readonly openedYear: number;
  readonly geom: MultiLineCoords;
}

/** Uses allowed by `base.buildings.use`. */
export type BuildingUse = 'residential' | 'commercial' | 'industrial' | 'public' | 'education' | 'other';

/** A version of a building (`base.buildings`). */
export interface BuildingRow extends Versioned {
  readonly name: string | null;
  readonly use: BuildingUse;
  readonly floors: number;
  readonly heightM: number;
  readonly yearBuilt: number;
  readonly districtAdcode: string;
  readonly geom: MultiPolygonCoords;
}

/** A land-cover patch of one survey (`base.land_cover`). */
export interface LandCoverRow extends Versioned {
  /** 地理国情 first-level class code, `0100` … `1000` (catalogue `land_cover` style). */
  readonly classCode: string;
  readonly className: string;
  readonly surveyYear: number;
  /** Ellipsoidal (GRS80) area. */
  readonly areaM2: number;
  readonly geom: MultiPolygonCoords;
}

/** Everything `loadSample` writes, table by table. */
export interface SampleDataset {
  readonly seed: number;
  readonly scale: number;
  readonly districts: readonly DistrictRow[];
  readonly towns: readonly TownRow[];
  readonly coastline: readonly CoastlineRow[];
  readonly waterAreas: readonly WaterAreaRow[];
  readonly rivers: readonly RiverRow[];
  readonly placeNames: readonly PlaceNameRow[];
  readonly roads: readonly RoadRow[];
  readonly buildings: readonly BuildingRow[];
  readonly landCover: readonly LandCoverRow[];
}

/** Options of generateSample. */
export interface SampleOptions {
  /** PRNG seed (default 20240701). Same seed and scale → identical dataset. */
  readonly seed?: number;
  /** Multiplies the counts of buildings, villages, POIs … (default 1; 1 meets the minimums). */
  readonly scale?: number;
}
