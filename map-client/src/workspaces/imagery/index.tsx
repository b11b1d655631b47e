/**
 * 影像 workspace: a timeline of scene dates per collection, the date shown per pane, 卷帘 swipe
 * between two dates on the main map (the top layer clipped in prerender, with its own canvas),
 * 分屏 split screen with 2 or 4 maps sharing the main map's View (each pane its own date),
 * true/false colour or NDVI, and scene footprints. Everything is in the URL (`imagery.*`).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import OlMap from 'ol/Map.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import TileLayer from 'ol/layer/Tile.js';
import VectorLayer from 'ol/layer/Vector.js';
import XYZ from 'ol/source/XYZ.js';
import VectorSource from 'ol/source/Vector.js';
import { Fill, Stroke, Style, Text } from 'ol/style.js';
import { getRenderPixel } from 'ol/render.js';
import type RenderEvent from 'ol/render/Event.js';
import { setWorkspaceParam } from '../../app-state.ts';
import type { Lang } from '../../i18n.ts';
import { useStore } from '../../store.ts';
import type { WorkspaceProps } from '../workspace-props.ts';
import { mosaicUrl, paneCount, readView, shanghaiDate, viewParams, withMode, withPaneDate, withPaneSource, type CompareMode, type ImageryStyle, type ImageryView } from './imagery-state.ts';

interface TimelineCollection {
  readonly collection: string;
  readonly title: string;
  readonly scenes: readonly { id: string; datetime: string; cloud_cover: number | null; gsd: number }[];
}

/** What the e2e test reads (window.__onemapImagery). */
interface ImageryHooks {
  mode: CompareMode;
  /** Per pane: frames drawn, tiles finished (loaded or empty) and tiles still loading. */
  panes: PaneHooks[];
  swipeRendered: number;
}
interface PaneHooks {
  date: string;
  rendered: number;
  tilesDone: number;
  tilesPending: number;
  /** Frames drawn while no tile was loading (after at least one finished): the pane is complete. */
  idleFrames: number;
}
declare global {
  interface Window {
    __onemapImagery?: ImageryHooks;
  }
}

const T = {
  timeline: { zh: '时间轴（点击日期）', en: 'Timeline (click a date)' },
  mode: { zh: '对比方式', en: 'Compare' },
  single: { zh: '单幅', en: 'Single' },
  swipe: { zh: '卷帘', en: 'Swipe' },
  split2: { zh: '二分屏', en: 'Split 2' },
  split4: { zh: '四分屏', en: 'Split 4' },
  bands: { zh: '波段组合', en: 'Bands' },
  'true-color': { zh: '真彩色', en: 'True colour' },
  'false-color': { zh: '标准假彩色', en: 'False colour (NIR-R-G)' },
  ndvi: { zh: 'NDVI 植被指数', en: 'NDVI' },
  footprints: { zh: '影像范围', en: 'Footprints' },
  pane: { zh: '窗格', en: 'Pane' },
  latest: { zh: '最新', en: 'latest' },
  allSources: { zh: '全部数据源', en: 'all sources' },
  cloud: { zh: '云量', en: 'cloud' },
  loading: { zh: '加载影像目录…', en: 'Loading the imagery catalogue…' },
} as const;
const tr = (k: keyof typeof T, lang: Lang) => T[k][lang];
const PANE_LETTERS = ['A', 'B', 'C', 'D'];

function apiBase(): string {
  return window.location.origin;
}

function imageryLayer(url: string, className: string, hooks?: PaneHooks): TileLayer<XYZ> {
  const source = new XYZ({ url, crossOrigin: 'anonymous', maxZoom: 20, transition: 0 });
  const layer = new TileLayer({ className, source, zIndex: 5 });
  if (hooks) {
    // An empty tile (204) ends as a load error: both count as done.
    source.on('tileloadstart', () => hooks.tilesPending++);
    source.on(['tileloadend', 'tileloaderror'], () => {
      hooks.tilesPending--;
      hooks.tilesDone++;
    });
    layer.on('postrender', () => {
      hooks.rendered++;
      if (hooks.tilesPending === 0 && hooks.tilesDone > 0) hooks.idleFrames++;
    });
  }
  return layer;
}

const paneHooks = (date: string): PaneHooks => ({ date, rendered: 0, tilesDone: 0, tilesPending: 0, idleFrames: 0 });

export default function Workspace({ store, map, lang }: WorkspaceProps) {
  const params = useStore(store, (s) => s.workspaceParams);
  const view = useMemo(() => readView(params), [params]);
  const [timeline, setTimeline] = useState<readonly TimelineCollection[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const hooks = useRef<ImageryHooks>({ mode: view.mode, panes: [], swipeRendered: 0 });

  const update = (next: ImageryView) => {
    const p = viewParams(next);
    store.update((s) => Object.entries(p).reduce((acc, [k, v]) => setWorkspaceParam(acc, k, v), s));
  };

  useEffect(() => {
    window.__onemapImagery = hooks.current;
    const controller = new AbortController();
    fetch(`${apiBase()}/imagery/timeline`, { signal: controller.signal, headers: { accept: 'application/json' } })
      .then(async (r) => {
        if (!r.ok) throw new Error(`timeline: HTTP ${r.status}`);
        setTimeline(((await r.json()) as { collections: TimelineCollection[] }).collections);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(String(e));
      });
    return () => {
      controller.abort();
      delete window.__onemapImagery;
    };
  }, []);

  // Main-map layers: single (one mosaic) or swipe (two, the top one clipped).
  useEffect(() => {
    if (view.mode === 'split2' || view.mode === 'split4') return;
    const base = apiBase();
    hooks.current.mode = view.mode;
    hooks.current.panes = [paneHooks(view.dates[0] ?? '')];
    const bottom = imageryLayer(mosaicUrl(base, view, view.dates[0] ?? '', view.sources[0]), 'imagery-a', hooks.current.panes[0]);
    map.addLayer(bottom);
    const added = [bottom];
    if (view.mode === 'swipe') {
      hooks.current.panes.push(paneHooks(view.dates[1] ?? ''));
      const top = imageryLayer(mosaicUrl(base, view, view.dates[1] ?? '', view.sources[1]), 'imagery-swipe', hooks.current.panes[1]);
      top.setZIndex(6);
      const position = view.swipe / 100;
      top.on('prerender', (event: RenderEvent) => {
        const ctx = event.context as CanvasRenderingContext2D;
        const size = map.getSize();
        if (!size) return;
        const width = Math.round(size[0]! * position);
        const tl = getRenderPixel(event, [width, 0]);
        const tr2 = getRenderPixel(event, [size[0]!, 0]);
        const bl = getRenderPixel(event, [width, size[1]!]);
        const br = getRenderPixel(event, [size[0]!, size[1]!]);
        ctx.save();
        ctx.beginPath();
        ctx.moveTo(tl[0]!, tl[1]!);
        ctx.lineTo(bl[0]!, bl[1]!);
        ctx.lineTo(br[0]!, br[1]!);
        ctx.lineTo(tr2[0]!, tr2[1]!);
        ctx.closePath();
        ctx.clip();
      });
      top.on('postrender', (event: RenderEvent) => {
        (event.context as CanvasRenderingContext2D).restore();
        hooks.current.swipeRendered++;
      });
      map.addLayer(top);
      added.push(top);
    }
    return () => {
      for (const l of added) map.removeLayer(l);
    };
  }, [map, view]);

  // Split screen: 2 or 4 maps over the map area, all sharing the main map's View.
  useEffect(() => {
    if (view.mode !== 'split2' && view.mode !== 'split4') return;
    const host = document.createElement('div');
    const target = map.getTargetElement();
    const area = target?.parentElement ?? target;
    if (!area) return;
    host.className = `imagery-split imagery-${view.mode}`;
    Object.assign(host.style, { position: 'absolute', inset: '0', display: 'grid', zIndex: '3', gap: '2px', background: '#333', gridTemplateColumns: '1fr 1fr', gridTemplateRows: view.mode === 'split4' ? '1fr 1fr' : '1fr' });
    area.appendChild(host);
    const base = apiBase();
    hooks.current.mode = view.mode;
    hooks.current.panes = [];
    const maps = view.dates.map((date, i) => {
      const el = document.createElement('div');
      el.className = 'imagery-pane';
      el.dataset['pane'] = String(i);
      Object.assign(el.style, { position: 'relative', background: '#f4f4f0', minHeight: '0' });
      const label = document.createElement('span');
      label.textContent = `${PANE_LETTERS[i]} · ${date || tr('latest', lang)}${view.sources[i] ? ` · ${view.sources[i]}` : ''}`;
      Object.assign(label.style, { position: 'absolute', left: '6px', top: '6px', zIndex: '2', background: 'rgba(255,255,255,.85)', padding: '1px 6px', borderRadius: '3px', font: '12px sans-serif' });
      el.appendChild(label);
      host.appendChild(el);
      const pane = paneHooks(date);
      hooks.current.panes.push(pane);
      const layer = imageryLayer(mosaicUrl(base, view, date, view.sources[i]), `imagery-pane-${i}`, pane);
      return new OlMap({ target: el, view: map.getView(), layers: [layer], controls: [] });
    });
    return () => {
      for (const m of maps) m.setTarget(undefined);
      host.replaceChildren();
      host.remove();
    };
  }, [map, view, lang]);

  // Footprints of the scenes (STAC item search over the whole catalogue).
  useEffect(() => {
    if (!view.footprints) return;
    const source = new VectorSource();
    const layer = new VectorLayer({
      source,
      zIndex: 20,
      style: (f) =>
        new Style({
          stroke: new Stroke({ color: '#e8590c', width: 1.5 }),
          fill: new Fill({ color: 'rgba(232,89,12,0.04)' }),
          text: new Text({ text: shanghaiDate(String(f.get('datetime'))), font: '11px sans-serif', fill: new Fill({ color: '#e8590c' }), overflow: true }),
        }),
    });
    map.addLayer(layer);
    const controller = new AbortController();
    const q = new URLSearchParams({ limit: '500' });
    if (view.collections.length) q.set('collections', view.collections.join(','));
    fetch(`${apiBase()}/stac/search?${q}`, { signal: controller.signal })
      .then(async (r) => {
        const fc = (await r.json()) as { features: unknown[] };
        source.addFeatures(new GeoJSON().readFeatures(fc, { dataProjection: 'EPSG:4326', featureProjection: map.getView().getProjection() }));
      })
      .catch(() => undefined);
    return () => {
      controller.abort();
      map.removeLayer(layer);
    };
  }, [map, view.footprints, view.collections]);

  const setMode = (mode: CompareMode) => update(withMode(view, mode));
  const setStyle = (style: ImageryStyle) => update({ ...view, style });
  const n = paneCount(view.mode);

  return (
    <div className="imagery-workspace" data-testid="imagery-workspace">
      <fieldset>
        <legend>{tr('mode', lang)}</legend>
        {(['single', 'swipe', 'split2', 'split4'] as const).map((m) => (
          <label key={m} style={{ marginRight: 8 }}>
            <input type="radio" name="imagery-mode" value={m} checked={view.mode === m} onChange={() => setMode(m)} data-testid={`imagery-mode-${m}`} /> {tr(m, lang)}
          </label>
        ))}
      </fieldset>
      {view.mode === 'swipe' && (
        <label>
          {tr('swipe', lang)} {Math.round(view.swipe)}%
          <input type="range" min={0} max={100} value={view.swipe} onChange={(e) => update({ ...view, swipe: Number(e.target.value) })} data-testid="imagery-swipe" style={{ width: '100%' }} />
        </label>
      )}
      <fieldset>
        <legend>{tr('bands', lang)}</legend>
        {(['true-color', 'false-color', 'ndvi'] as const).map((s) => (
          <label key={s} style={{ marginRight: 8 }}>
            <input type="radio" name="imagery-style" value={s} checked={view.style === s} onChange={() => setStyle(s)} data-testid={`imagery-style-${s}`} /> {tr(s, lang)}
          </label>
        ))}
      </fieldset>
      <label>
        <input type="checkbox" checked={view.footprints} onChange={(e) => update({ ...view, footprints: e.target.checked })} data-testid="imagery-footprints" /> {tr('footprints', lang)}
      </label>
      <fieldset>
        <legend>{tr('pane', lang)}</legend>
        {Array.from({ length: n }, (_, i) => (
          <div key={i} className="imagery-pane-row">
            <label>
              <input type="radio" name="imagery-pane" checked={view.pane === i} onChange={() => update({ ...view, pane: i })} /> {PANE_LETTERS[i]}: {view.dates[i] || tr('latest', lang)}
            </label>{' '}
            <select value={view.sources[i] ?? ''} onChange={(e) => update(withPaneSource(view, i, e.target.value))} data-testid={`imagery-source-${i}`} aria-label={`${tr('pane', lang)} ${PANE_LETTERS[i]}`}>
              <option value="">{tr('allSources', lang)}</option>
              {timeline?.map((c) => (
                <option key={c.collection} value={c.collection}>
                  {c.title}
                </option>
              ))}
            </select>
          </div>
        ))}
      </fieldset>
      <h4>{tr('timeline', lang)}</h4>
      {error && <p className="error">{error}</p>}
      {!timeline && !error && <p>{tr('loading', lang)}</p>}
      {timeline?.map((c) => (
        <div key={c.collection} className="imagery-timeline-row" data-collection={c.collection}>
          <div style={{ fontWeight: 600, fontSize: 12 }}>{c.title}</div>
          <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4 }}>
            {c.scenes.length === 0 && <span style={{ color: '#888', fontSize: 12 }}>—</span>}
            {c.scenes.map((s) => {
              const date = shanghaiDate(s.datetime);
              const active = view.dates[view.pane] === date && (view.sources[view.pane] ?? '') === c.collection;
              return (
                <button
                  key={s.id}
                  type="button"
                  title={`${s.id} · ${tr('cloud', lang)} ${s.cloud_cover ?? '–'}% · ${s.gsd} m`}
                  onClick={() => update(withPaneDate(view, view.pane, date, c.collection))}
                  aria-pressed={active}
                  data-date={date}
                  style={{ fontSize: 11, padding: '1px 5px', background: active ? '#1c7ed6' : undefined, color: active ? '#fff' : undefined }}
                >
                  {date}
                  {s.cloud_cover !== null && s.cloud_cover > 5 ? ' ☁' : ''}
                </button>
              );
            })}
          </div>
        </div>
      ))}
    </div>
  );
}
