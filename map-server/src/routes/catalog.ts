/** `/catalog`: the layer tree with metadata, derived from the compiled catalogue only. */
import Router from '@koa/router';
import type { LayerSpec, Localized } from '@onemap/geodata/catalog';
import { pickParams } from '../query-params.ts';
import type { AppContext } from '../app-context.ts';
import { viewOf } from '../middleware/security.ts';
import type { LayerPlan, Plans } from '../services/layer-plans.ts';

export interface LegendEntry {
  readonly title: Localized;
  readonly color: string;
  readonly kind: 'fill' | 'line' | 'point';
}

function legendKind(spec: LayerSpec): LegendEntry['kind'] {
  const g = spec.table.geometryType;
  return g.endsWith('Polygon') ? 'fill' : g.endsWith('LineString') ? 'line' : 'point';
}

/** Legend rows from the style hint: one per class, else one for the layer itself. */
export function legendOf(spec: LayerSpec): LegendEntry[] {
  const kind = legendKind(spec);
  const s = spec.style;
  if (s.classify) return s.classify.classes.map((c) => ({ title: c.title, color: c.color, kind }));
  const color = kind === 'line' ? s.stroke : s.fill ?? s.stroke;
  return [{ title: spec.title, color: color ?? '#888888', kind }];
}

export function catalogDocument(plans: Plans, base: string) {
  const entry = (plan: LayerPlan) => {
    const s = plan.spec;
    return {
      id: s.id,
      title: s.title,
      description: s.description,
      group: s.group,
      owner: s.owner,
      classification: s.classification,
      temporal: s.temporal,
      geometryType: s.table.geometryType,
      properties: s.properties,
      minzoom: s.zoom.min,
      maxzoom: s.zoom.max,
      // From this zoom on tiles carry every feature as stored (seeding relies on it).
      fullDetailZoom: s.generalization?.fullDetailZoom ?? s.zoom.min,
      style: s.style,
      drawOrder: s.drawOrder,
      visibleByDefault: s.visibleByDefault,
      editable: s.editable,
      legend: legendOf(s),
      links: {
        tiles: `${base}/tiles/${s.id}/{z}/{x}/{y}.mvt`,
        tilejson: `${base}/tiles/${s.id}.json`,
        items: `${base}/collections/${s.id}/items`,
        collection: `${base}/collections/${s.id}`,
      },
      ...(plan.bounds ? { bounds: plan.bounds } : {}),
    };
  };
  const bounds = plans.bounds ?? [120.28, 28.0, 121.95, 29.35];
  return {
    title: plans.catalog.title,
    bounds,
    center: [121.42, 28.66, 10],
    groups: [...plans.catalog.groups]
      .sort((a, b) => a.order - b.order)
      .map((g) => ({
        id: g.id,
        title: g.title,
        layers: [...plans.ordered].reverse().filter((p) => p.spec.group === g.id).map((p) => p.spec.id),
      })),
    layers: [...plans.ordered].reverse().map(entry),
  };
}

export function catalogRoutes({ config }: AppContext): Router {
  const router = new Router();
  // Built once per view (the catalogue is immutable for the life of the process): a layer the
  // caller may not see is not in it at all, and desensitised layers list only what is left.
  const bodies = new WeakMap<Plans, string>();
  router.get('/catalog', (koa) => {
    pickParams(koa.query, ['f']);
    const view = viewOf(koa);
    let body = bodies.get(view);
    if (body === undefined) bodies.set(view, (body = JSON.stringify(catalogDocument(view, config.publicBaseUrl))));
    koa.set('Vary', 'Authorization');
    koa.type = 'application/json';
    koa.body = body;
  });
  return router;
}
