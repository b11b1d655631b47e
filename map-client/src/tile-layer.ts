/**
 * One vector-tile layer per catalogue layer, and the two things the map controller changes on it
 * besides visibility: the time its tiles are drawn as of (versioned layers), and a reload after
 * an edit.
 *
 * Time: a versioned layer's tile URL gets `?datetime=<RFC 3339>` while the cursor is set. The
 * source is kept; only its URL function and key change (`setTileUrlFunction(fn, key)`). The
 * renderer caches tiles by source key, so tiles of the previous time stay on screen as "stale"
 * tiles until the new ones arrive (no blank flash while playing), and going back to a time still
 * in the cache redraws without requests (client.md §3.5). Nothing is created per time step.
 */
import VectorTileLayer from 'ol/layer/VectorTile.js';
import VectorTileSource from 'ol/source/VectorTile.js';
import MVT from 'ol/format/MVT.js';
import { transformExtent } from 'ol/proj.js';
import { buffer as bufferExtent, intersects } from 'ol/extent.js';
import { createXYZ } from 'ol/tilegrid.js';
import type { UrlFunction } from 'ol/Tile.js';
import type VectorTile from 'ol/VectorTile.js';
import TileState from 'ol/TileState.js';
import type { FeatureLike } from 'ol/Feature.js';
import { apiUrl } from './api-problem.ts';
import { sessionHeaders } from './auth-session.ts';
import type { CatalogDocument, CatalogLayer } from './catalog-document.ts';
import { createLayerStyle, geometryKind } from './layer-style.ts';

/** Marks our layers so identify and events can find their catalogue id. */
export const LAYER_ID = 'onemapLayerId';

export interface CatalogTileLayer {
  readonly spec: CatalogLayer;
  readonly layer: VectorTileLayer;
  readonly source: VectorTileSource;
  /** Draws the layer as of `datetime` (RFC 3339), or now when undefined. Static layers ignore it. */
  setTime(datetime: string | undefined): void;
  /** Drops every cached tile and requests them again (after an edit of the layer). */
  reload(): void;
  dispose(): void;
}

/**
 * Tiles are 512 px (the OpenLayers default for vector tiles, a quarter of the requests of 256 px);
 * the source's zoom range is the catalogue's, so no tile outside [minzoom, maxzoom] is ever
 * requested (the server answers those with 404) and OpenLayers overzooms past maxzoom. The
 * layer's `minZoom` (exclusive in OL) keeps it hidden while the view is zoomed out beyond its
 * first tile level.
 */
export function createTileLayer(spec: CatalogLayer, catalog: CatalogDocument, onTileError: (coord: string) => void): CatalogTileLayer {
  const tileGrid = createXYZ({ tileSize: 512, minZoom: spec.minzoom, maxZoom: spec.maxzoom });
  // Tiles wholly outside the layer's data are never requested. The layer's `extent` option would
  // do that too, but it also clips rendering, cutting labels that overhang the data's edge.
  const dataExtent = bufferExtent(transformExtent([...(spec.bounds ?? catalog.bounds)], 'EPSG:4326', 'EPSG:3857'), 1000);
  const template = apiUrl(spec.links.tiles);
  const urlFunction = (datetime: string | undefined): UrlFunction => {
    const query = datetime ? `?datetime=${encodeURIComponent(datetime)}` : '';
    return (tileCoord) => {
      if (!intersects(tileGrid.getTileCoordExtent(tileCoord), dataExtent)) return undefined;
      const [z = 0, x = 0, y = 0] = tileCoord;
      return template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y)) + query;
    };
  };
  const source = new VectorTileSource({
    format: new MVT({ layers: [spec.id] }),
    tileGrid,
    tileUrlFunction: urlFunction(undefined),
    wrapX: false,
  });
  // Signed in, tiles are fetched with the session (an internal layer's tiles need it; the
  // server's cache keeps each audience's tiles apart). The public keeps OpenLayers' own loader.
  const auth = sessionHeaders();
  if (auth['Authorization']) source.setTileLoadFunction((tile, url) => loadWithHeaders(tile as VectorTile<FeatureLike>, url, auth));
  let datetime: string | undefined;
  source.setTileUrlFunction(urlFunction(undefined), `${spec.id}@now`);
  // A failed tile becomes state (an error badge in the tree), never an exception (house style §20).
  source.on('tileloaderror', (event) => {
    const [z, x, y] = event.tile.getTileCoord();
    onTileError(`${z}/${x}/${y}`);
  });
  const kind = geometryKind(spec.geometryType);
  const layer = new VectorTileLayer({
    source,
    style: createLayerStyle(spec),
    // Labels and point symbols are decluttered together across layers; higher layers win.
    declutter: spec.style.label !== undefined || kind === 'point',
    minZoom: spec.minzoom,
    zIndex: spec.drawOrder,
    renderBuffer: 64,
    visible: false,
    properties: { [LAYER_ID]: spec.id },
  });
  return {
    spec,
    layer,
    source,
    setTime(next) {
      if (spec.temporal !== 'versioned' || next === datetime) return;
      datetime = next;
      source.setTileUrlFunction(urlFunction(next), `${spec.id}@${next ?? 'now'}`);
    },
    reload() {
      source.refresh();
    },
    dispose() {
      // Dispose source and layer explicitly: map.dispose() alone leaks canvases (openlayers#14583).
      source.dispose();
      layer.dispose();
    },
  };
}

/** Loads a vector tile with request headers (an empty 204 tile has no features). */
function loadWithHeaders(tile: VectorTile<FeatureLike>, url: string, headers: Record<string, string>): void {
  tile.setLoader((extent, _resolution, projection) => {
    fetch(url, { headers })
      .then(async (response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const format = tile.getFormat();
        const features = response.status === 204 ? [] : format.readFeatures(await response.arrayBuffer(), { extent, featureProjection: projection });
        tile.setFeatures(features);
      })
      .catch(() => tile.setState(TileState.ERROR));
  });
}
