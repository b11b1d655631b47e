/**
 * 规划 workspace, pure logic: the shape of a compliance review as the server returns it
 * (map-server/src/services/planning/compliance-review.ts), number formatting in m²/公顷/亩,
 * upload classification, URL parameters and the land-use legend from the catalogue.
 */
import type { CatalogDocument, Localized } from '../../catalog-document.ts';
import type { Lang } from '../../i18n.ts';

/** URL parameter holding the shown review (`planning.review=<id>`): a link restores the report. */
export const REVIEW_PARAM = 'planning.review';

/** The planning layers switched on when the workspace opens, bottom first. */
export const PLANNING_LAYERS = ['plan_parcels', 'plan_basic_farmland', 'plan_eco_redline', 'plan_urban_boundary'] as const;

export interface Area {
  readonly m2: number;
  readonly ha: number;
  readonly mu: number;
}

export interface ReviewLayer {
  readonly layer: string;
  readonly title: Localized;
  readonly rule: 'inside_forbidden' | 'outside_warning' | 'classes';
  readonly severity: 'conflict' | 'warning' | 'info';
  readonly fired: boolean;
  readonly message: Localized;
  readonly area: Area;
  readonly pct: number;
  readonly classes?: readonly { code: string; name: string; nameEn: string; color: string | null; area: Area; pct: number }[];
  readonly uncovered?: Area;
}

export interface ReviewDoc {
  readonly id: number;
  readonly name: string | null;
  readonly createdAt: string;
  readonly asOf: string;
  readonly verdict: 'pass' | 'warning' | 'conflict';
  readonly site: { readonly area: Area; readonly bbox: readonly [number, number, number, number] };
  readonly tolerance: { readonly effectiveM2: number };
  readonly layers: readonly ReviewLayer[];
  readonly slivers: readonly { layer: string; what: string; areaM2: number }[];
  readonly dataVersions: readonly { layer: string; inForce: { id: string; name: string; approvedOn: string } | null }[];
  readonly links: { readonly self: string; readonly html: string; readonly pdf: string };
  /** GET /planning/reviews/{id} adds the stored site (MultiPolygon, CRS84). */
  readonly siteGeometry?: { readonly type: 'MultiPolygon'; readonly coordinates: number[][][][] };
}

export const VERDICT_TEXT: Record<ReviewDoc['verdict'], Localized> = {
  conflict: { zh: '存在冲突', en: 'Conflict' },
  warning: { zh: '需论证', en: 'Needs justification' },
  pass: { zh: '通过', en: 'Pass' },
};

export const SEVERITY_TEXT: Record<ReviewLayer['severity'], Localized> = {
  conflict: { zh: '冲突', en: 'Conflict' },
  warning: { zh: '警示', en: 'Warning' },
  info: { zh: '—', en: '—' },
};

/** Grouped digits with fixed decimals, the same in both languages (areas are read aloud as numbers). */
export function formatNumber(v: number, digits: number): string {
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The three area cells of a table row: m² (2 decimals), 公顷 (4), 亩 (2). */
export function areaCells(a: Area): [string, string, string] {
  return [formatNumber(a.m2, 2), formatNumber(a.ha, 4), formatNumber(a.mu, 2)];
}

/** What an uploaded file is, by name (the server checks the content). */
export function uploadKind(fileName: string): 'geojson' | 'shapefile' | undefined {
  if (/\.zip$/i.test(fileName)) return 'shapefile';
  if (/\.(geo)?json$/i.test(fileName)) return 'geojson';
  return undefined;
}

/** The CRSs the upload form offers (the server's supported list, map-server/src/services/crs.ts). */
export const UPLOAD_CRS: readonly { value: string; title: Localized }[] = [
  { value: '', title: { zh: '自动 (GeoJSON 默认 CRS84; Shapefile 读 .prj)', en: 'Automatic (GeoJSON: CRS84; Shapefile: its .prj)' } },
  { value: 'EPSG:4490', title: { zh: 'CGCS2000 经纬度 (EPSG:4490)', en: 'CGCS2000 lon/lat (EPSG:4490)' } },
  { value: 'EPSG:4549', title: { zh: 'CGCS2000 3度带 120E (EPSG:4549)', en: 'CGCS2000 3° GK CM 120E (EPSG:4549)' } },
  { value: 'EPSG:4550', title: { zh: 'CGCS2000 3度带 123E (EPSG:4550)', en: 'CGCS2000 3° GK CM 123E (EPSG:4550)' } },
  { value: 'EPSG:3857', title: { zh: 'Web 墨卡托 (EPSG:3857)', en: 'Web Mercator (EPSG:3857)' } },
];

/** Query string of a review request: the plan as of the time cursor (null = now) and the CRS. */
export function reviewQuery(timeMs: number | null, crs: string): string {
  const parts: string[] = [];
  if (timeMs !== null) parts.push(`datetime=${encodeURIComponent(new Date(timeMs).toISOString())}`);
  if (crs) parts.push(`crs=${encodeURIComponent(crs)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** A review id from the URL parameter, or undefined when absent or malformed. */
export function parseReviewParam(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** The standard land-use legend: the 控规 layer's classes as the catalogue publishes them. */
export function landUseLegend(catalog: CatalogDocument | null): readonly { code: string; color: string; title: Localized }[] {
  const layer = catalog?.layers.find((l) => l.id === 'plan_parcels');
  return (layer?.style.classify?.classes ?? []).map((c) => ({ code: String(c.value), color: c.color, title: c.title }));
}

/** Localised text. */
export function tr(text: Localized, lang: Lang): string {
  return text[lang];
}

/** Beijing civil time `YYYY-MM-DD HH:mm` of an ISO instant. */
export function beijingTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
