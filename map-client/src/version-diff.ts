/**
 * A feature's history as the history panel lists it: newest version first, each with what it
 * changed against the version before (property old → new, geometry moved), and whether the
 * feature ended (was deleted) after it. Pure; the values stay raw so the panel formats them.
 */
import type { FeatureVersion } from './feature-api.ts';

export interface PropertyChange {
  readonly name: string;
  /** The previous version's value (undefined for the first version). */
  readonly before: unknown;
  readonly after: unknown;
}

export interface VersionRow {
  readonly version: number;
  readonly validFromMs: number;
  /** Null while the version is current. */
  readonly validToMs: number | null;
  readonly changedBy: string;
  readonly comment: string | null;
  /** `created`: the first version; `changed`: a later one. */
  readonly kind: 'created' | 'changed';
  readonly changes: readonly PropertyChange[];
  readonly geometryChanged: boolean;
  /** The feature ended with this version (deleted at validTo): nothing follows it. */
  readonly ended: boolean;
}

/**
 * Rows for the panel, newest first. Changes are computed against the previous version in time,
 * in the order of `propertyOrder` (the catalogue's), then any other property names.
 */
export function describeVersions(versions: readonly FeatureVersion[], propertyOrder: readonly string[]): VersionRow[] {
  const sorted = [...versions].sort((a, b) => Date.parse(a.validFrom) - Date.parse(b.validFrom) || a.version - b.version);
  const rows = sorted.map((v, i): VersionRow => {
    const previous = i > 0 ? sorted[i - 1] : undefined;
    const names = orderedNames(previous ? [previous.properties, v.properties] : [v.properties], propertyOrder);
    const changes = previous
      ? names.filter((name) => !sameValue(previous.properties[name], v.properties[name])).map((name) => ({ name, before: previous.properties[name], after: v.properties[name] }))
      : names.filter((name) => v.properties[name] !== null && v.properties[name] !== undefined).map((name) => ({ name, before: undefined, after: v.properties[name] }));
    return {
      version: v.version,
      validFromMs: Date.parse(v.validFrom),
      validToMs: v.validTo === null ? null : Date.parse(v.validTo),
      changedBy: v.changedBy,
      comment: v.comment,
      kind: previous ? 'changed' : 'created',
      changes,
      geometryChanged: previous ? v.geometryChanged : false,
      ended: i === sorted.length - 1 && v.validTo !== null,
    };
  });
  return rows.reverse();
}

/** The version drawn at `cursor` (null = now), or undefined when the feature did not exist then. */
export function versionAt(rows: readonly VersionRow[], cursor: number | null, nowMs: number): number | undefined {
  const t = cursor ?? nowMs;
  return rows.find((r) => r.validFromMs <= t && (r.validToMs === null || t < r.validToMs))?.version;
}

function orderedNames(records: readonly Readonly<Record<string, unknown>>[], order: readonly string[]): string[] {
  const present = new Set(records.flatMap((r) => Object.keys(r)));
  return [...order.filter((n) => present.has(n)), ...[...present].filter((n) => !order.includes(n)).sort()];
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
