/**
 * 管线 workspace (issue #8 §6): the pipe layers in the CJJ 61 category colours with the legend
 * from the dictionary (/pipes/categories), and five tools —
 *   爆管: click a water pipe → valves to close, isolated and cut-off pipes, affected buildings,
 *   横断面: draw a line → every pipe it crosses, charted by offset and elevation,
 *   纵断面: pick a run of segments → ground, top and invert along the chainage,
 *   净距: GB 50289 clearance problems in 1 km² around the map centre, listed and located,
 *   开挖: draw a polygon and give a depth → pipes hit, owners to notify, valves to close.
 * URL state: pipes.tool, pipes.burst (管线编号), pipes.section (lon,lat;…), pipes.run (ids).
 * The tools are for the pipeline departments (the owner department of the pipe layers and
 * administrators): other signed-in users see the pipe layers and the legend with a notice in
 * place of the tools (the server answers them 403). Signed out, the public sees the generalised
 * pipe lines only (no pipe points, zoom 14 and below): the legend comes from the catalogue and
 * the tools say to sign in.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import Feature from 'ol/Feature.js';
import type { FeatureLike } from 'ol/Feature.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import LineString from 'ol/geom/LineString.js';
import Polygon from 'ol/geom/Polygon.js';
import Draw from 'ol/interaction/Draw.js';
import VectorLayer from 'ol/layer/Vector.js';
import type MapBrowserEvent from 'ol/MapBrowserEvent.js';
import { fromLonLat, toLonLat } from 'ol/proj.js';
import VectorSource from 'ol/source/Vector.js';
import { Circle, Fill, Stroke, Style, Text } from 'ol/style.js';
import { setLayerVisible, setSelection, setWorkspaceParam } from '../../app-state.ts';
import type { Lang } from '../../i18n.ts';
import { useStore } from '../../store.ts';
import { readSession, sessionHeaders } from '../../auth-session.ts';
import type { WorkspaceProps } from '../workspace-props.ts';
import { ProfileChart, SectionChart } from './charts.tsx';
import {
  fetchBurst,
  fetchCategories,
  fetchClearance,
  fetchExcavation,
  fetchNearest,
  fetchProfile,
  fetchSection,
  PipesApiError,
  type BurstDoc,
  type ClearanceDoc,
  type ClearancePair,
  type ExcavationDoc,
  type FeatureCollectionDoc,
  type PipeCategory,
  type ProfileDoc,
  type SectionDoc,
} from './pipes-api.ts';
import { extendRun, formatLine, parseLine, parseRun, parseTool, squareKm, TOOLS, type LonLat, type Tool } from './pipes-logic.ts';
import './pipes.css';

const S = {
  tools: {
    burst: { zh: '爆管', en: 'Burst' },
    section: { zh: '横断面', en: 'Section' },
    profile: { zh: '纵断面', en: 'Profile' },
    clearance: { zh: '净距', en: 'Clearance' },
    excavation: { zh: '开挖', en: 'Excavation' },
  },
  hint: {
    burst: { zh: '点击地图上的给水管,分析爆管关阀', en: 'Click a water pipe on the map to analyse a burst' },
    section: { zh: '在地图上画一条剖切线 (双击结束)', en: 'Draw a cut line on the map (double-click to finish)' },
    profile: { zh: '依次点击相连的管段组成路径; 再点最后一段可撤销', en: 'Click connected segments in order; click the last one again to undo' },
    clearance: { zh: '检查地图中心 1 平方公里内的管线净距 (GB 50289)', en: 'Check GB 50289 clearances in 1 km² around the map centre' },
    excavation: { zh: '输入开挖深度, 在地图上画开挖范围 (双击结束)', en: 'Enter the dig depth, then draw the dig area on the map (double-click to finish)' },
  },
  legend: { zh: '管线类别 (CJJ 61-2017 附录B)', en: 'Pipe categories (CJJ 61-2017 App. B)' },
  signIn: {
    zh: '未登录: 仅显示概化管线 (14 级及以下, 无埋深、压力、权属单位)。管线分析请先登录。',
    en: 'Signed out: generalised pipe lines only (zoom 14 and below; no depth, pressure or owner). Sign in to use the pipeline analyses.',
  },
  departmentsOnly: {
    zh: '管线分析仅限管线权属部门及管理员使用。您可查看管线图层 (概化线形, 无埋深、压力、权属单位)。',
    en: 'The pipeline analyses are for the pipeline departments and administrators only. You can view the pipe layers (generalised, without depth, pressure or owner).',
  },
  loading: { zh: '分析中…', en: 'Analysing…' },
  segment: { zh: '管段', en: 'Segment' },
  valvesToClose: { zh: '必关阀门', en: 'Valves to close' },
  failedValves: { zh: '失效阀门', en: 'Failed valves' },
  isolated: { zh: '隔离管段', en: 'Isolated segments' },
  cutOff: { zh: '停水管段', en: 'Cut-off segments' },
  buildings: { zh: '受影响建筑', en: 'Affected buildings' },
  meters: { zh: '水表', en: 'Meters' },
  hydrants: { zh: '消防栓', en: 'Hydrants' },
  crossings: { zh: '穿越管线', en: 'Pipes crossed' },
  offset: { zh: '距起点', en: 'Offset' },
  size: { zh: '规格', en: 'Size' },
  depth: { zh: '埋深', en: 'Depth' },
  clear: { zh: '清除', en: 'Clear' },
  run: { zh: '路径管段', en: 'Run' },
  length: { zh: '长度', en: 'Length' },
  slope: { zh: '坡度', en: 'Slope' },
  check: { zh: '检查当前区域', en: 'Check this area' },
  violation: { zh: '不足', en: 'violation' },
  review: { zh: '需人工复核', en: 'needs review' },
  horizontal: { zh: '水平', en: 'horizontal' },
  vertical: { zh: '垂直', en: 'vertical' },
  required: { zh: '要求', en: 'required' },
  none: { zh: '无问题', en: 'No problems' },
  truncated: { zh: '结果过多, 仅列出前部', en: 'Too many results; the first ones are listed' },
  digDepth: { zh: '开挖深度 (米)', en: 'Dig depth (m)' },
  hit: { zh: '受影响管段', en: 'Pipes hit' },
  owners: { zh: '需通知的权属单位', en: 'Owners to notify' },
  review2: { zh: '需复核', en: 'review' },
} as const;

const tr = (x: Readonly<Record<Lang, string>>, lang: Lang) => x[lang];
const geojson = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });

/** Analysis colours: chosen apart from every CJJ 61 category colour so results stand out. */
export const HIGHLIGHT = {
  isolated: '#ff2d00',
  cutOff: '#ffa64d',
  valve: '#d40000',
  failed: '#202020',
  building: 'rgba(255, 140, 0, 0.55)',
  cut: '#1f3fbf',
  hit: '#ff2d00',
  review: '#b000b0',
} as const;

type Kind = 'run' | 'isolated' | 'cutOff' | 'valve' | 'failed' | 'building' | 'point' | 'cut' | 'crossing' | 'clearance' | 'selected' | 'dig' | 'hit' | 'hitReview';

function styleFor(kind: Kind, label: string | undefined): Style | Style[] {
  switch (kind) {
    case 'isolated':
      return new Style({ stroke: new Stroke({ color: HIGHLIGHT.isolated, width: 7 }), zIndex: 3 });
    case 'run':
      return new Style({ stroke: new Stroke({ color: HIGHLIGHT.cut, width: 6 }), zIndex: 3 });
    case 'cutOff':
      return new Style({ stroke: new Stroke({ color: HIGHLIGHT.cutOff, width: 4, lineDash: [8, 4] }), zIndex: 2 });
    case 'hit':
      return new Style({ stroke: new Stroke({ color: HIGHLIGHT.hit, width: 6 }), zIndex: 3 });
    case 'hitReview':
      return new Style({ stroke: new Stroke({ color: HIGHLIGHT.review, width: 5, lineDash: [6, 3] }), zIndex: 3 });
    case 'valve':
      return new Style({ image: new Circle({ radius: 8, fill: new Fill({ color: HIGHLIGHT.valve }), stroke: new Stroke({ color: '#fff', width: 2 }) }), zIndex: 5 });
    case 'failed':
      return new Style({ image: new Circle({ radius: 8, fill: new Fill({ color: HIGHLIGHT.failed }), stroke: new Stroke({ color: '#fff', width: 2 }) }), zIndex: 5 });
    case 'building':
      return new Style({ fill: new Fill({ color: HIGHLIGHT.building }), stroke: new Stroke({ color: '#ff8c00', width: 1.5 }), zIndex: 1 });
    case 'point':
      return new Style({ image: new Circle({ radius: 5, fill: new Fill({ color: '#ff8c00' }), stroke: new Stroke({ color: '#fff', width: 1 }) }), zIndex: 4 });
    case 'cut':
      return new Style({ stroke: new Stroke({ color: HIGHLIGHT.cut, width: 3 }), zIndex: 2 });
    case 'crossing':
      return new Style({
        image: new Circle({ radius: 6, fill: new Fill({ color: '#fff' }), stroke: new Stroke({ color: HIGHLIGHT.cut, width: 3 }) }),
        ...(label ? { text: new Text({ text: label, offsetY: -14, font: '11px sans-serif', fill: new Fill({ color: '#102060' }), stroke: new Stroke({ color: '#fff', width: 3 }) }) } : {}),
        zIndex: 4,
      });
    case 'clearance':
      return new Style({ image: new Circle({ radius: 7, fill: new Fill({ color: 'rgba(176, 0, 176, 0.35)' }), stroke: new Stroke({ color: HIGHLIGHT.review, width: 2 }) }), zIndex: 4 });
    case 'selected':
      return new Style({ image: new Circle({ radius: 12, stroke: new Stroke({ color: HIGHLIGHT.review, width: 4 }) }), zIndex: 6 });
    case 'dig':
      return new Style({ fill: new Fill({ color: 'rgba(31, 63, 191, 0.12)' }), stroke: new Stroke({ color: HIGHLIGHT.cut, width: 2, lineDash: [6, 4] }), zIndex: 1 });
  }
}

function analysisStyle(feature: FeatureLike): Style | Style[] {
  return styleFor(feature.get('kind') as Kind, feature.get('label') as string | undefined);
}

function features(doc: FeatureCollectionDoc | undefined, kind: Kind): Feature[] {
  if (!doc || doc.features.length === 0) return [];
  const out = geojson.readFeatures(doc) as Feature[];
  for (const f of out) f.set('kind', kind);
  return out;
}

function problemText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The server's 403: the caller is signed in but not in a pipeline department. */
const isRefused = (err: unknown): boolean => err instanceof PipesApiError && err.problem.status === 403;

/**
 * Runs `load` whenever `key` changes (null: nothing), aborting the previous request; a 403
 * calls `onRefused` (the workspace then shows its notice instead of the tools).
 */
function useAnalysis<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>, onRefused: () => void): { value: T | null; error: string | null; busy: boolean } {
  const [state, setState] = useState<{ value: T | null; error: string | null; busy: boolean }>({ value: null, error: null, busy: false });
  const loadRef = useRef(load);
  loadRef.current = load;
  const refusedRef = useRef(onRefused);
  refusedRef.current = onRefused;
  useEffect(() => {
    if (key === null) {
      setState({ value: null, error: null, busy: false });
      return;
    }
    const ctl = new AbortController();
    setState({ value: null, error: null, busy: true });
    loadRef.current(ctl.signal).then(
      (value) => !ctl.signal.aborted && setState({ value, error: null, busy: false }),
      (err: unknown) => {
        if (ctl.signal.aborted) return;
        if (isRefused(err)) refusedRef.current();
        setState({ value: null, error: problemText(err), busy: false });
      },
    );
    return () => ctl.abort();
  }, [key]);
  return state;
}

const PIPE_LAYERS = ['pipe_segments', 'pipe_points'];

export default function PipesWorkspace({ store, map, lang }: WorkspaceProps) {
  const params = useStore(store, (s) => s.workspaceParams);
  const token = useStore(store, (s) => s.edit.token);
  const catalogReady = useStore(store, (s) => s.visible !== null);
  // Signing in or out reloads the page: read once per token.
  const signedIn = useMemo(() => 'Authorization' in sessionHeaders(undefined, token), [token]);
  // The category legend of the catalogue, for callers who may not read the dictionary (the public).
  const catalogLegend = useStore(store, (s) => s.catalog?.layers.find((l) => l.id === 'pipe_segments')?.legend);
  // The tools are for the pipeline departments: a signed-in user of another department (known
  // from the session and the layer's owner, or from a 403 of the server) gets a notice instead.
  const ownerCode = useStore(store, (s) => s.catalog?.layers.find((l) => l.id === 'pipe_segments')?.owner.code);
  const [refused, setRefused] = useState(false);
  const otherDepartment = useMemo(() => {
    if (!signedIn) return false;
    if (refused) return true;
    const session = token.trim() ? undefined : readSession();
    return session !== undefined && session.user.role !== 'admin' && ownerCode !== undefined && session.user.department !== ownerCode;
  }, [signedIn, refused, token, ownerCode]);
  const onRefused = () => setRefused(true);
  const tool = parseTool(params['pipes.tool']);
  const burstRef = params['pipes.burst'] ?? null;
  const sectionParam = params['pipes.section'] ?? null;
  const runParam = params['pipes.run'] ?? null;
  const section = useMemo(() => parseLine(sectionParam ?? undefined), [sectionParam]);
  const run = useMemo(() => parseRun(runParam ?? undefined), [runParam]);
  const setParam = (key: string, value: string | null) => store.update((s) => setWorkspaceParam(s, key, value));

  const [categories, setCategories] = useState<PipeCategory[]>([]);
  const colours = useMemo(() => Object.fromEntries(categories.map((c) => [c.code, c.color])), [categories]);
  const [clickProblem, setClickProblem] = useState<string | null>(null);
  const [clearanceKey, setClearanceKey] = useState<string | null>(null);
  const [selectedPair, setSelectedPair] = useState<number | null>(null);
  const [digDepth, setDigDepth] = useState('2');
  const [dig, setDig] = useState<{ ring: LonLat[]; depth: number } | null>(null);

  // The analysis layer, added for the life of the workspace.
  const source = useMemo(() => new VectorSource(), []);
  useEffect(() => {
    const layer = new VectorLayer({ source, style: analysisStyle, zIndex: 500, properties: { name: 'pipes-analysis' } });
    map.addLayer(layer);
    return () => {
      map.removeLayer(layer);
    };
  }, [map, source]);

  // The pipe layers on while the workspace is open; each back as it was afterwards.
  useEffect(() => {
    if (!catalogReady) return;
    // Only the pipe layers this caller's catalogue holds (the public has no pipe points).
    const ids = PIPE_LAYERS.filter((id) => store.getState().catalog?.layers.some((l) => l.id === id) ?? true);
    const before = Object.fromEntries(ids.map((id) => [id, store.getState().visible?.[id]]));
    store.update((s) => ids.reduce((acc, id) => setLayerVisible(acc, id, true), s));
    return () => {
      store.update((s) => ids.reduce((acc, id) => (before[id] === false ? setLayerVisible(acc, id, false) : acc), s));
    };
  }, [catalogReady, store]);

  useEffect(() => {
    const ctl = new AbortController();
    fetchCategories(token, ctl.signal).then(setCategories, () => undefined);
    return () => ctl.abort();
  }, [token]);

  const burst = useAnalysis<BurstDoc>(!otherDepartment && tool === 'burst' && burstRef ? `${burstRef}|${token}` : null, (signal) => fetchBurst(burstRef!, token, signal), onRefused);
  const sectionDoc = useAnalysis<SectionDoc>(!otherDepartment && tool === 'section' && section ? `${sectionParam}|${token}` : null, (signal) => fetchSection(section!, token, signal), onRefused);
  const profile = useAnalysis<ProfileDoc>(!otherDepartment && tool === 'profile' && run.length > 0 ? `${runParam}|${token}` : null, (signal) => fetchProfile(run, token, signal), onRefused);
  const clearance = useAnalysis<ClearanceDoc>(!otherDepartment && tool === 'clearance' ? clearanceKey : null, (signal) => fetchClearance(clearanceKey!.split('|')[0]!.split(',').map(Number), token, signal), onRefused);
  const excavation = useAnalysis<ExcavationDoc>(!otherDepartment && tool === 'excavation' && dig ? `${formatLine(dig.ring)}|${dig.depth}|${token}` : null, (signal) => fetchExcavation(dig!.ring, dig!.depth, token, signal), onRefused);

  // Clicks: 爆管 picks the nearest water pipe, 纵断面 extends the run.
  const runRef = useRef(run);
  runRef.current = run;
  const categoryOfRun = useRef<string | null>(null);
  useEffect(() => {
    if (otherDepartment || (tool !== 'burst' && tool !== 'profile')) return;
    let ctl: AbortController | null = null;
    const onClick = (event: MapBrowserEvent) => {
      // In these tools a click picks a pipe: no identify popup over the result (the map's own
      // handler ran first, this one takes its selection back).
      store.update((s) => setSelection(s, null));
      ctl?.abort();
      ctl = new AbortController();
      const [lon = 0, lat = 0] = toLonLat(event.coordinate);
      // Ten pixels of ground, whatever the zoom (Web Mercator metres shrink by cos φ).
      const radius = Math.min(200, Math.max(5, (map.getView().getResolution() ?? 1) * 10 * Math.cos((lat * Math.PI) / 180)));
      const category = tool === 'burst' ? 'JS' : runRef.current.length > 0 ? categoryOfRun.current : null;
      fetchNearest([lon, lat], category, radius, token, ctl.signal).then(
        (hit) => {
          setClickProblem(null);
          if (tool === 'burst') setParam('pipes.burst', hit.line_no);
          else {
            if (runRef.current.length === 0) categoryOfRun.current = hit.category;
            setParam('pipes.run', extendRun(runRef.current, hit.id).join(',') || null);
          }
        },
        (err: unknown) => {
          if (ctl?.signal.aborted) return;
          if (isRefused(err)) setRefused(true);
          setClickProblem(problemText(err));
        },
      );
    };
    map.on('singleclick', onClick);
    return () => {
      ctl?.abort();
      map.un('singleclick', onClick);
    };
  }, [map, store, tool, token, otherDepartment]);

  // Drawing: 横断面 a line, 开挖 a polygon.
  const digDepthRef = useRef(digDepth);
  digDepthRef.current = digDepth;
  useEffect(() => {
    if (otherDepartment || (tool !== 'section' && tool !== 'excavation')) return;
    const draw = new Draw({ type: tool === 'section' ? 'LineString' : 'Polygon', stopClick: true });
    draw.on('drawend', (e) => {
      const geom = e.feature.getGeometry();
      if (tool === 'section' && geom instanceof LineString) {
        const coords = geom.getCoordinates().map((c) => toLonLat(c) as unknown as LonLat);
        setParam('pipes.section', formatLine(coords.slice(0, 100)));
      } else if (geom instanceof Polygon) {
        const ring = (geom.getCoordinates()[0] ?? []).map((c) => toLonLat(c) as unknown as LonLat);
        const depth = Number(digDepthRef.current);
        if (ring.length >= 4 && Number.isFinite(depth) && depth > 0) setDig({ ring, depth });
      }
    });
    map.addInteraction(draw);
    return () => {
      map.removeInteraction(draw);
    };
  }, [map, tool, otherDepartment]);

  // What the map shows: the current tool's result.
  useEffect(() => {
    source.clear();
    const add: Feature[] = [];
    if (tool === 'burst' && burst.value) {
      const b = burst.value;
      add.push(...features(b.affectedBuildings, 'building'), ...features(b.cutOffSegments, 'cutOff'), ...features(b.isolatedSegments, 'isolated'));
      add.push(...features(b.affectedPoints, 'point'), ...features(b.failedValves, 'failed'), ...features(b.valvesToClose, 'valve'));
    } else if (tool === 'section' && section) {
      const cut = new Feature(new LineString(section.map((c) => fromLonLat([...c]))));
      cut.set('kind', 'cut');
      add.push(cut);
      for (const c of sectionDoc.value?.crossings ?? []) {
        // Pipes a metre apart would overlap their labels: the table names them instead.
        const [f] = geojson.readFeatures({ type: 'Feature', geometry: c.geometry, properties: { kind: 'crossing' } }) as Feature[];
        if (f) add.push(f);
      }
    } else if (tool === 'profile' && profile.value) {
      for (const seg of profile.value.segments) {
        const [f] = geojson.readFeatures({ type: 'Feature', geometry: seg.geometry, properties: { kind: 'run' } }) as Feature[];
        if (f) add.push(f);
      }
    } else if (tool === 'clearance' && clearance.value) {
      clearance.value.pairs.forEach((p, i) => {
        const geometry = p.geometry ? geojson.readGeometry(p.geometry) : null;
        if (!geometry) return;
        const f = new Feature(geometry);
        f.set('kind', i === selectedPair ? 'selected' : 'clearance');
        add.push(f);
      });
    } else if (tool === 'excavation' && dig) {
      const area = new Feature(new Polygon([dig.ring.map((c) => fromLonLat([...c]))]));
      area.set('kind', 'dig');
      add.push(area);
      for (const f of features(excavation.value?.segments, 'hit')) {
        if (f.get('status') === 'needs review') f.set('kind', 'hitReview');
        add.push(f);
      }
      add.push(...features(excavation.value?.valvesToClose, 'valve'));
    }
    source.addFeatures(add);
  }, [source, tool, burst.value, section, sectionDoc.value, profile.value, clearance.value, selectedPair, dig, excavation.value]);

  const locate = (p: ClearancePair, i: number) => {
    setSelectedPair(i);
    if (p.geometry) map.getView().animate({ center: fromLonLat(p.geometry.coordinates), zoom: Math.max(map.getView().getZoom() ?? 17, 18), duration: 300 });
  };
  const checkArea = () => {
    const [lon = 121.42, lat = 28.66] = toLonLat(map.getView().getCenter() ?? fromLonLat([121.42, 28.66]));
    setSelectedPair(null);
    setClearanceKey(`${squareKm([lon, lat]).join(',')}|${Date.now()}`);
  };
  const categoryName = (code: string) => {
    const c = categories.find((x) => x.code === code);
    return c ? (lang === 'zh' ? c.name_zh : c.name_en) : code;
  };
  const size = (p: { diameter_mm?: unknown; width_mm?: unknown; height_mm?: unknown }) =>
    p.diameter_mm != null ? `DN${String(p.diameter_mm)}` : p.width_mm != null ? `${String(p.width_mm)}×${String(p.height_mm)}` : '—';

  const legend = (
    <>
      <h3>{tr(S.legend, lang)}</h3>
      <ul className="pipes-legend" data-testid="pipes-legend">
        {categories.length > 0
          ? categories.map((c) => (
              <li key={c.code}><i className="pipes-swatch" style={{ background: c.color }} />{c.code} {lang === 'zh' ? c.name_zh : c.name_en}</li>
            ))
          : (catalogLegend ?? []).map((e) => (
              <li key={e.title.en}><i className="pipes-swatch" style={{ background: e.color }} />{tr(e.title, lang)}</li>
            ))}
      </ul>
    </>
  );

  if (otherDepartment)
    return (
      <div className="pipes-workspace" data-testid="pipes-workspace">
        <p className="pipes-problem" role="status" data-testid="pipes-departments-only">{tr(S.departmentsOnly, lang)}</p>
        {legend}
      </div>
    );

  return (
    <div className="pipes-workspace" data-testid="pipes-workspace">
      <div className="pipes-tools" role="tablist">
        {TOOLS.map((t: Tool) => (
          <button key={t} type="button" role="tab" aria-selected={tool === t} className="pipes-tool" data-testid={`pipes-tool-${t}`} onClick={() => setParam('pipes.tool', t === 'burst' ? null : t)}>
            {tr(S.tools[t], lang)}
          </button>
        ))}
      </div>
      {!signedIn && <p className="pipes-problem" role="status" data-testid="pipes-signin">{tr(S.signIn, lang)}</p>}
      <p className="pipes-hint">{tr(S.hint[tool], lang)}</p>
      {clickProblem && <p className="pipes-problem" role="alert">{clickProblem}</p>}

      {tool === 'burst' && (
        <section aria-live="polite">
          {burst.busy && <p className="pipes-hint">{tr(S.loading, lang)}</p>}
          {burst.error && <p className="pipes-problem" role="alert">{burst.error}</p>}
          {burst.value && (
            <>
              <div className="pipes-summary" data-testid="pipes-burst-summary">
                <strong>{tr(S.segment, lang)} {burstRef}</strong>
                <span><i className="pipes-swatch" style={{ background: HIGHLIGHT.valve }} />{tr(S.valvesToClose, lang)} {burst.value.summary['valvesToClose']}</span>
                <span><i className="pipes-swatch" style={{ background: HIGHLIGHT.isolated }} />{tr(S.isolated, lang)} {burst.value.summary['isolatedSegments']}</span>
                <span><i className="pipes-swatch" style={{ background: HIGHLIGHT.cutOff }} />{tr(S.cutOff, lang)} {burst.value.summary['cutOffSegments']}</span>
                <span><i className="pipes-swatch" style={{ background: HIGHLIGHT.building }} />{tr(S.buildings, lang)} {burst.value.summary['affectedBuildings']}</span>
                <span>{tr(S.meters, lang)} {burst.value.summary['affectedMeters']} · {tr(S.hydrants, lang)} {burst.value.summary['affectedHydrants']}</span>
                {burst.value.summary['failedValves']! > 0 && <span><i className="pipes-swatch" style={{ background: HIGHLIGHT.failed }} />{tr(S.failedValves, lang)} {burst.value.summary['failedValves']}</span>}
              </div>
              <h3>{tr(S.valvesToClose, lang)}</h3>
              <ul className="pipes-list" data-testid="pipes-valve-list">
                {burst.value.valvesToClose.features.map((f) => (
                  <li key={String(f.id)} data-testid="pipes-valve">{String(f.properties['point_no'])} {f.properties['valve_state'] ? `(${String(f.properties['valve_state'])})` : ''}</li>
                ))}
              </ul>
              {burst.value.failedValves.features.length > 0 && (
                <>
                  <h3>{tr(S.failedValves, lang)}</h3>
                  <ul className="pipes-list">{burst.value.failedValves.features.map((f) => <li key={String(f.id)}>{String(f.properties['point_no'])}</li>)}</ul>
                </>
              )}
              <h3>{tr(S.isolated, lang)}</h3>
              <ul className="pipes-list">
                {burst.value.isolatedSegments.features.map((f) => (
                  <li key={String(f.id)}>{String(f.properties['line_no'])} · {size(f.properties)} · {String(f.properties['length_m'] ?? '')} m</li>
                ))}
              </ul>
              {burst.value.affectedBuildings.features.length > 0 && (
                <>
                  <h3>{tr(S.buildings, lang)}</h3>
                  <ul className="pipes-list">
                    {burst.value.affectedBuildings.features.slice(0, 100).map((f) => (
                      <li key={String(f.id)}>{String(f.properties['name'] ?? f.id)} {f.properties['use'] ? `· ${String(f.properties['use'])}` : ''}</li>
                    ))}
                  </ul>
                </>
              )}
            </>
          )}
        </section>
      )}

      {tool === 'section' && (
        <section aria-live="polite">
          {section && <button type="button" onClick={() => setParam('pipes.section', null)}>{tr(S.clear, lang)}</button>}
          {sectionDoc.busy && <p className="pipes-hint">{tr(S.loading, lang)}</p>}
          {sectionDoc.error && <p className="pipes-problem" role="alert">{sectionDoc.error}</p>}
          {sectionDoc.value && (
            <>
              <SectionChart lengthM={sectionDoc.value.length_m} crossings={sectionDoc.value.crossings} colours={colours} lang={lang} />
              <h3>{tr(S.crossings, lang)} ({sectionDoc.value.count})</h3>
              <table className="pipes-table" data-testid="pipes-section-table">
                <thead>
                  <tr><th>{tr(S.offset, lang)}</th><th>{lang === 'zh' ? '类别' : 'Category'}</th><th>{lang === 'zh' ? '编号' : 'Line'}</th><th>{tr(S.size, lang)}</th><th>{tr(S.depth, lang)}</th></tr>
                </thead>
                <tbody>
                  {sectionDoc.value.crossings.map((c) => (
                    <tr key={c.id} data-testid="pipes-section-row" data-line={c.line_no}>
                      <td>{c.offset_m.toFixed(1)} m</td>
                      <td><i className="pipes-swatch" style={{ background: colours[c.category] ?? '#6600cc' }} />{categoryName(c.category)}</td>
                      <td>{c.line_no}</td>
                      <td>{size(c)}</td>
                      <td>{c.depth != null ? `${c.depth.toFixed(2)} m` : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      )}

      {tool === 'profile' && (
        <section aria-live="polite">
          {run.length > 0 && (
            <p>
              {tr(S.run, lang)}: {run.length} <button type="button" onClick={() => setParam('pipes.run', null)}>{tr(S.clear, lang)}</button>
            </p>
          )}
          {profile.busy && <p className="pipes-hint">{tr(S.loading, lang)}</p>}
          {profile.error && <p className="pipes-problem" role="alert">{profile.error}</p>}
          {profile.value && (
            <>
              <ProfileChart nodes={profile.value.nodes} colour={colours[categoryOfRun.current ?? ''] ?? '#4c3926'} lang={lang} />
              <table className="pipes-table" data-testid="pipes-profile-table">
                <thead>
                  <tr><th>{lang === 'zh' ? '编号' : 'Line'}</th><th>{tr(S.length, lang)}</th><th>{tr(S.slope, lang)}</th><th>{tr(S.size, lang)}</th></tr>
                </thead>
                <tbody>
                  {profile.value.segments.map((s) => (
                    <tr key={s.id} data-testid="pipes-profile-row"><td>{s.line_no}</td><td>{s.length_m.toFixed(1)} m</td><td>{s.slope_permille === null ? '—' : `${s.slope_permille.toFixed(2)}‰`}</td><td>{size(s)}</td></tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      )}

      {tool === 'clearance' && (
        <section aria-live="polite">
          <button type="button" onClick={checkArea} data-testid="pipes-clearance-check">{tr(S.check, lang)}</button>
          {clearance.busy && <p className="pipes-hint">{tr(S.loading, lang)}</p>}
          {clearance.error && <p className="pipes-problem" role="alert">{clearance.error}</p>}
          {clearance.value && (
            <>
              {clearance.value.truncated && <p className="pipes-hint">{tr(S.truncated, lang)}</p>}
              {clearance.value.pairs.length === 0 && <p>{tr(S.none, lang)}</p>}
              <ul className="pipes-list" data-testid="pipes-clearance-list">
                {clearance.value.pairs.map((p, i) => (
                  <li key={`${p.kind}${p.a.id}-${p.b.id}`}>
                    <button type="button" className={i === selectedPair ? 'pipes-pair selected' : 'pipes-pair'} onClick={() => locate(p, i)} data-testid="pipes-clearance-pair">
                      {tr(p.kind === 'horizontal' ? S.horizontal : S.vertical, lang)} · {categoryName(p.a.category)} {p.a.line_no} ↔ {categoryName(p.b.category)} {p.b.line_no}:{' '}
                      {p.status === 'violation' ? `${tr(S.violation, lang)} ${p.clearance_m?.toFixed(2)} m < ${tr(S.required, lang)} ${p.required_m} m` : `${tr(S.review, lang)}${p.missing ? ` (${p.missing.join(', ')})` : ''}`}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}

      {tool === 'excavation' && (
        <section aria-live="polite">
          <label className="pipes-field">
            {tr(S.digDepth, lang)} <input type="number" min="0.1" max="30" step="0.1" value={digDepth} onChange={(e) => setDigDepth(e.target.value)} data-testid="pipes-dig-depth" />
          </label>
          {excavation.busy && <p className="pipes-hint">{tr(S.loading, lang)}</p>}
          {excavation.error && <p className="pipes-problem" role="alert">{excavation.error}</p>}
          {excavation.value && (
            <>
              <h3>{tr(S.hit, lang)} ({excavation.value.segments.features.length})</h3>
              <ul className="pipes-list" data-testid="pipes-excavation-list">
                {excavation.value.segments.features.map((f) => (
                  <li key={String(f.id)}>
                    <i className="pipes-swatch" style={{ background: colours[String(f.properties['category'])] ?? '#6600cc' }} />
                    {String(f.properties['line_no'])} · {categoryName(String(f.properties['category']))} · {size(f.properties)}
                    {f.properties['status'] === 'needs review' ? ` · ${tr(S.review2, lang)}` : ''}
                  </li>
                ))}
              </ul>
              {excavation.value.owners && (
                <>
                  <h3>{tr(S.owners, lang)}</h3>
                  <ul className="pipes-list" data-testid="pipes-owner-list">{excavation.value.owners.map((o) => <li key={o.owner_unit ?? '—'}>{o.owner_unit ?? '—'} · {o.categories.map(categoryName).join('、')} · {o.segments}</li>)}</ul>
                </>
              )}
              {excavation.value.valvesToClose.features.length > 0 && (
                <>
                  <h3>{tr(S.valvesToClose, lang)}</h3>
                  <ul className="pipes-list">{excavation.value.valvesToClose.features.map((f) => <li key={String(f.id)}>{String(f.properties['point_no'])}</li>)}</ul>
                </>
              )}
            </>
          )}
        </section>
      )}

      {legend}
    </div>
  );
}
