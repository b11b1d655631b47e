/**
 * Layer catalogue types: the one description of every dataset (architecture.md §1).
 * Everything else — tile SQL, feature SQL, /catalog, TileJSON, the client's layer tree and
 * legend — is derived from these declarations. This module does no I/O and imports nothing.
 */

/** Text in the two interface languages: Chinese first (default), English second. */
export interface Localized {
  readonly zh: string;
  readonly en: string;
}

/** 分级分类: 公开 / 内部 / 受限. */
export type Classification = 'public' | 'internal' | 'restricted';

/**
 * static: rows replaced only by reloads; versioned: every version kept with `valid tstzrange`
 * ("as of T" = `valid @> T`); timeseries: observations in partitioned tables.
 */
export type TemporalKind = 'static' | 'versioned' | 'timeseries';

export type GeometryType =
  | 'Point'
  | 'MultiPoint'
  | 'LineString'
  | 'MultiLineString'
  | 'Polygon'
  | 'MultiPolygon';

/** Published property types, as they appear in JSON (and JSON Schema) on the wire. */
export type PropertyType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime';

export interface PropertySpec {
  /** Column name in the table; also the property name in GeoJSON and MVT. */
  readonly name: string;
  readonly type: PropertyType;
  readonly title: Localized;
  /** The database refuses features without it (NOT NULL); forms mark it, queryables list it. */
  readonly required?: boolean;
  /**
   * Bookkeeping, not an attribute of the thing itself (e.g. the survey a land-cover patch was
   * recorded in): a new value alone is not a change in change reports.
   */
  readonly bookkeeping?: boolean;
}

/** One class of a categorised style; also one legend row. */
export interface StyleClass {
  readonly value: string | number;
  readonly color: string;
  readonly title: Localized;
}

/**
 * How the client should draw a layer. Colours are CSS strings. `classify` colours features
 * by a property value; the legend is derived from it (or from `fill`/`stroke` when absent).
 */
export interface StyleHint {
  readonly fill?: string;
  readonly stroke?: string;
  readonly strokeWidthPx?: number;
  readonly radiusPx?: number;
  readonly classify?: {
    readonly property: string;
    /** Applies to fill for polygons, stroke for lines, fill for points. */
    readonly classes: readonly StyleClass[];
    /** Colour for values not listed. */
    readonly otherColor: string;
  };
  /** Width in px per class value for lines (roads by class). */
  readonly widthByClass?: Readonly<Record<string, number>>;
  readonly label?: {
    readonly property: string;
    readonly color: string;
    readonly haloColor: string;
    readonly sizePx: number;
    /** Labels appear from this zoom on (features may be drawn earlier). */
    readonly minZoom: number;
  };
}

export interface TableSpec {
  readonly schema: string;
  readonly name: string;
  /**
   * The stable feature identifier column (for versioned tables the feature id shared by all
   * versions of a feature, not the row id).
   */
  readonly idColumn: string;
  /** Storage geometry column, EPSG:4490. */
  readonly geometryColumn: string;
  /** Generated Web Mercator twin used by tiles. */
  readonly tileGeometryColumn: string;
  readonly geometryType: GeometryType;
  readonly srid: 4490;
}

export interface DepartmentRef {
  /** Stable code of the owner department (责任单位). */
  readonly code: string;
  readonly title: Localized;
}

/**
 * Generalisation by zoom (tiles only; features always serve stored geometry). Pixel sizes are
 * pixels of a 256-px tile at the requested zoom: 1 px ≈ 153 m at z10, 38 m at z12, 2.4 m at z16.
 */
export interface Generalization {
  /** From this zoom on, tiles carry the stored geometry of every feature. */
  readonly fullDetailZoom: number;
  /** Below fullDetailZoom, polygons smaller than this many square pixels are dropped. */
  readonly minAreaPx?: number;
  /** Below fullDetailZoom, geometry is simplified with this tolerance (after snapping to the grid). */
  readonly simplifyPx?: number;
  /**
   * Below fullDetailZoom, vertices are snapped to a grid of this many pixels instead of the MVT
   * grid: positions no finer than that (desensitisation, access-policy.ts; not for catalogues).
   */
  readonly snapPx?: number;
  /**
   * Thinning by a property: a feature is drawn from the zoom listed for its value on (e.g. road
   * class, place-name rank). Values not listed are drawn at every zoom of the layer.
   */
  readonly minZoomByValue?: { readonly property: string; readonly zooms: Readonly<Record<string, number>> };
  /**
   * Zooms up to `maxZoom` are drawn from a pre-built overview table (same schema, columns
   * `geom_3857` plus `properties`), kept in step with edits by the database itself.
   */
  readonly overview?: { readonly table: string; readonly maxZoom: number; readonly properties: readonly PropertySpec[] };
}

export interface LayerSpec {
  /** URL-safe id: lower case, digits and underscores; also the MVT layer name. */
  readonly id: string;
  readonly title: Localized;
  readonly description: Localized;
  /** Theme group id (see ThemeGroup). */
  readonly group: string;
  readonly owner: DepartmentRef;
  readonly classification: Classification;
  readonly temporal: TemporalKind;
  readonly table: TableSpec;
  readonly properties: readonly PropertySpec[];
  readonly zoom: { readonly min: number; readonly max: number };
  readonly style: StyleHint;
  /** Draw order: higher is drawn on top. */
  readonly drawOrder: number;
  /** Shown when the client starts without a layer list in its URL. */
  readonly visibleByDefault: boolean;
  /** Writable through OGC API Features Part 4 by editors (versioned layers only). */
  readonly editable: boolean;
  readonly generalization?: Generalization;
}

export interface ThemeGroup {
  readonly id: string;
  readonly title: Localized;
  readonly order: number;
}

export interface Catalog {
  readonly title: Localized;
  readonly groups: readonly ThemeGroup[];
  readonly layers: readonly LayerSpec[];
}

/** One finding of catalogue validation, with a dotted path to what is wrong. */
export interface CatalogProblem {
  readonly path: string;
  readonly message: string;
}
