/**
 * 城管 workspace: components by status (per street, and the catalogued layer on the map), cases
 * at the time cursor with their workflow actions (writes need the editor token), BeiDou vehicle
 * positions and track replay in step with the global time cursor, parking availability with
 * trends, and a building-energy choropleth with outliers. URL state: city.mode, city.case,
 * city.vehicle.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useFetched } from '../../use-fetched.ts';
import type Feature from 'ol/Feature.js';
import OlFeature from 'ol/Feature.js';
import type { FeatureLike } from 'ol/Feature.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import LineString from 'ol/geom/LineString.js';
import Point from 'ol/geom/Point.js';
import VectorLayer from 'ol/layer/Vector.js';
import type MapBrowserEvent from 'ol/MapBrowserEvent.js';
import { fromLonLat } from 'ol/proj.js';
import VectorSource from 'ol/source/Vector.js';
import { Circle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style.js';
import { setLayerVisible, setTime, setWorkspaceParam } from '../../app-state.ts';
import { setEditToken } from '../../edit-state.ts';
import type { Lang } from '../../i18n.ts';
import { useStore } from '../../store.ts';
import { writeEditToken } from '../../token-storage.ts';
import type { WorkspaceProps } from '../workspace-props.ts';
import {
  CityApiError,
  fetchCase,
  fetchCaseStats,
  fetchCases,
  fetchComponentCounts,
  fetchEnergy,
  fetchParking,
  fetchTrack,
  fetchVehicles,
  fetchWorkflow,
  postTransition,
  type FeatureCollectionDoc,
  type FeatureDoc,
} from './city-api.ts';
import {
  beijingDate,
  beijingDay,
  CITY_MODES,
  classIndex,
  ENERGY_COLOURS,
  formatKm,
  parkingColour,
  parseCityMode,
  quantileBreaks,
  replayPosition,
  SAMPLE_INSTANT_MS,
  trackVertices,
  TREND_NAMES,
  trendArrow,
  USE_NAMES,
  type CityMode,
} from './city-logic.ts';
import './city.css';

const S = {
  modes: {
    components: { zh: '部件', en: 'Components' },
    cases: { zh: '案件', en: 'Cases' },
    vehicles: { zh: '车辆', en: 'Vehicles' },
    parking: { zh: '停车', en: 'Parking' },
    energy: { zh: '能耗', en: 'Energy' },
  },
  at: { zh: '时刻', en: 'At' },
  now: { zh: '现在', en: 'now' },
  sampleDay: { zh: '跳到样例日', en: 'Go to the sample day' },
  loading: { zh: '加载中…', en: 'Loading…' },
  street: { zh: '街道', en: 'Street' },
  total: { zh: '合计', en: 'Total' },
  openOnly: { zh: '只看未结案', en: 'Open only' },
  cases: { zh: '案件', en: 'cases' },
  overdueRate: { zh: '超期率(近30天)', en: 'Overdue rate (30 days)' },
  overdue: { zh: '超期', en: 'overdue' },
  pickCase: { zh: '点击列表或地图上的案件查看详情', en: 'Click a case in the list or on the map' },
  actions: { zh: '办理', en: 'Workflow' },
  allowed: { zh: '可执行', en: 'allowed' },
  department: { zh: '处置部门', en: 'Department' },
  byDefault: { zh: '(按类别默认)', en: '(class default)' },
  tokenNeeded: { zh: '办理案件需要编辑令牌', en: 'Workflow actions need an editor token' },
  tokenSave: { zh: '使用令牌', en: 'Use token' },
  events: { zh: '办理记录', en: 'History' },
  vehicles: { zh: '车辆', en: 'Vehicles' },
  outside: { zh: '越出责任区', en: 'outside assigned area' },
  pickVehicle: { zh: '选择车辆回放当天轨迹', en: 'Pick a vehicle to replay its day' },
  replay: { zh: '回放', en: 'Replay' },
  pause: { zh: '暂停', en: 'Pause' },
  distance: { zh: '里程', en: 'Distance' },
  stops: { zh: '停留', en: 'Stops' },
  noTrack: { zh: '该时刻无定位', en: 'No position at this time' },
  lot: { zh: '停车场', en: 'Lot' },
  available: { zh: '空余/总车位', en: 'Free / capacity' },
  trend: { zh: '趋势', en: 'Trend' },
  use: { zh: '建筑用途', en: 'Use' },
  perM2: { zh: '千瓦时/平方米', en: 'kWh/m²' },
  outliers: { zh: '异常', en: 'outliers' },
  period: { zh: '统计期', en: 'Period' },
  noData: { zh: '无数据(可跳到样例日)', en: 'No data (try the sample day)' },
} as const;

const tr = (x: Readonly<Record<Lang, string>>, lang: Lang) => x[lang];
const geojson = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
const readFeatures = (doc: FeatureCollectionDoc) => geojson.readFeatures(doc) as Feature[];

function formatTime(ms: number, lang: Lang): string {
  return new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}


/** Replay speed: the cursor advances this much per tick. */
const REPLAY_STEP_MS = 30_000;
const REPLAY_TICK_MS = 250;
/** Re-read live positions this often when the cursor is at now. */
const LIVE_POLL_MS = 10_000;

export default function CityWorkspace({ store, map, lang }: WorkspaceProps) {
  const params = useStore(store, (s) => s.workspaceParams);
  const time = useStore(store, (s) => s.time);
  const token = useStore(store, (s) => s.edit.token);
  const mode = parseCityMode(params['city.mode']);
  const caseNo = params['city.case'] ?? null;
  const vehicle = params['city.vehicle'] ?? null;
  const setParam = (key: string, value: string | null) => store.update((s) => setWorkspaceParam(s, key, value));
  const atMs = useMemo(() => time ?? Date.now(), [time]);
  const [revision, setRevision] = useState(0);

  // ---- data ------------------------------------------------------------------------------------
  const [openOnly, setOpenOnly] = useState(true);
  const workflow = useFetched((signal) => fetchWorkflow(signal), []);
  const counts = useFetched(mode === 'components' ? (signal) => fetchComponentCounts(time, signal) : null, [mode, time, revision]);
  const cases = useFetched(mode === 'cases' ? (signal) => fetchCases(atMs, openOnly, signal) : null, [mode, atMs, openOnly, revision]);
  const caseStats = useFetched(mode === 'cases' ? (signal) => fetchCaseStats(atMs, signal) : null, [mode, beijingDate(atMs), revision]);
  const [caseDoc, setCaseDoc] = useState<FeatureDoc | null>(null);
  const detail = useFetched(mode === 'cases' && caseNo ? (signal) => fetchCase(caseNo, atMs, signal) : null, [mode, caseNo, atMs, revision]);
  useEffect(() => setCaseDoc(detail.value), [detail.value]);
  // Bring a newly selected case into view.
  const centred = useRef<string | null>(null);
  useEffect(() => {
    const g = detail.value?.geometry as { type: string; coordinates: number[] } | undefined;
    const no = detail.value?.properties['case_no'] as string | undefined;
    if (!g || g.type !== 'Point' || !no || centred.current === no) return;
    centred.current = no;
    map.getView().animate({ center: fromLonLat(g.coordinates), zoom: Math.max(map.getView().getZoom() ?? 15, 15), duration: 300 });
  }, [detail.value, map]);
  // Live: at "now" the positions are re-read every few seconds (new fixes arrive by ingest).
  const [livePoll, setLivePoll] = useState(0);
  useEffect(() => {
    if (mode !== 'vehicles' || time !== null) return;
    const timer = window.setInterval(() => setLivePoll((n) => n + 1), LIVE_POLL_MS);
    return () => window.clearInterval(timer);
  }, [mode, time]);
  const vehicles = useFetched(mode === 'vehicles' ? (signal) => fetchVehicles(time, signal) : null, [mode, time, livePoll]);
  const day = beijingDay(atMs);
  const track = useFetched(mode === 'vehicles' && vehicle ? (signal) => fetchTrack(vehicle, day.from, day.to, signal) : null, [mode, vehicle, day.from]);
  const parking = useFetched(mode === 'parking' ? (signal) => fetchParking(atMs, signal) : null, [mode, atMs]);
  const year = beijingDate(atMs).slice(0, 4);
  const energyTo = beijingDate(atMs);
  const energyFrom = energyTo === `${year}-01-01` ? `${Number(year) - 1}-01-01` : `${year}-01-01`;
  const energy = useFetched(mode === 'energy' ? (signal) => fetchEnergy(energyFrom, energyTo, signal) : null, [mode, energyFrom, energyTo]);

  // Components mode shows the catalogued layers (status colours come from the catalogue).
  useEffect(() => {
    if (mode !== 'components') return;
    store.update((s) => setLayerVisible(setLayerVisible(s, 'city_components', true), 'unit_grids', true));
  }, [mode, store]);

  // ---- map layers ------------------------------------------------------------------------------
  const energyBreaks = useMemo(
    () => quantileBreaks((energy.value?.buildings.features ?? []).map((f) => Number(f.properties['kwh_per_m2'])), ENERGY_COLOURS.length),
    [energy.value],
  );
  const styleState = useRef({ mode, caseNo, vehicle, energyBreaks, lang });
  styleState.current = { mode, caseNo, vehicle, energyBreaks, lang };
  const layers = useRef<{ points: VectorLayer<VectorSource>; areas: VectorLayer<VectorSource>; track: VectorLayer<VectorSource>; marker: VectorLayer<VectorSource> } | null>(null);
  const markerFeature = useRef(new OlFeature<Point>());
  const [markerPixel, setMarkerPixel] = useState<number[] | null>(null);

  useEffect(() => {
    const pointStyle = (f: FeatureLike) => {
      const st = styleState.current;
      const p = f.getProperties();
      if (st.mode === 'cases') {
        const selected = p['case_no'] === st.caseNo;
        return new Style({
          image: new Circle({ radius: selected ? 8 : 5, fill: new Fill({ color: String(p['state_color'] ?? '#999') }), stroke: new Stroke({ color: p['overdue'] ? '#d50000' : selected ? '#000' : '#fff', width: p['overdue'] || selected ? 2.5 : 1 }) }),
        });
      }
      if (st.mode === 'parking') {
        const colour = parkingColour(p['available'] as number | undefined, Number(p['capacity']));
        return new Style({
          image: new RegularShape({ points: 4, radius: 9, angle: Math.PI / 4, fill: new Fill({ color: colour }), stroke: new Stroke({ color: '#fff', width: 1.5 }) }),
          text: new Text({ text: `${String(p['available'] ?? '–')}${trendArrow(p['trend'] as string | undefined)}`, offsetY: -16, font: 'bold 11px sans-serif', fill: new Fill({ color: '#111' }), stroke: new Stroke({ color: '#fff', width: 3 }) }),
        });
      }
      // vehicles
      const selected = p['vehicle'] === st.vehicle;
      return new Style({
        image: new Circle({ radius: selected ? 7 : 5, fill: new Fill({ color: p['outside'] ? '#d32f2f' : '#1565c0' }), stroke: new Stroke({ color: '#fff', width: 1.5 }) }),
        text: new Text({ text: String(p['plate'] ?? ''), offsetY: -13, font: '11px sans-serif', fill: new Fill({ color: '#0d47a1' }), stroke: new Stroke({ color: '#fff', width: 3 }) }),
      });
    };
    const areaStyle = (f: FeatureLike) => {
      const p = f.getProperties();
      const v = Number(p['kwh_per_m2']);
      const colour = Number.isFinite(v) ? ENERGY_COLOURS[classIndex(v, styleState.current.energyBreaks)]! : '#cccccc';
      return new Style({ fill: new Fill({ color: colour }), stroke: new Stroke({ color: p['outlier'] ? '#6a00ff' : 'rgba(60,60,60,0.6)', width: p['outlier'] ? 3 : 0.5 }) });
    };
    const points = new VectorLayer({ source: new VectorSource(), style: pointStyle, zIndex: 1002, properties: { id: 'city-points' } });
    const areas = new VectorLayer({ source: new VectorSource(), style: areaStyle, zIndex: 1000, properties: { id: 'city-areas' } });
    const trackLayer = new VectorLayer({
      source: new VectorSource(),
      style: (f) =>
        f.get('kind') === 'stop'
          ? new Style({ image: new Circle({ radius: 4, fill: new Fill({ color: '#fff' }), stroke: new Stroke({ color: '#455a64', width: 2 }) }) })
          : new Style({ stroke: new Stroke({ color: 'rgba(21, 101, 192, 0.7)', width: 3 }) }),
      zIndex: 1001,
      properties: { id: 'city-track' },
    });
    const marker = new VectorLayer({
      source: new VectorSource({ features: [markerFeature.current] }),
      style: (f) =>
        f.getGeometry()
          ? new Style({ image: new Circle({ radius: 9, fill: new Fill({ color: f.get('outside') ? '#ff1744' : '#00c853' }), stroke: new Stroke({ color: '#000', width: 2.5 }) }) })
          : undefined,
      zIndex: 1003,
      properties: { id: 'city-marker' },
    });
    for (const l of [areas, trackLayer, points, marker]) map.addLayer(l);
    layers.current = { points, areas, track: trackLayer, marker };
    const onClick = (e: MapBrowserEvent) => {
      const hit = map.forEachFeatureAtPixel(e.pixel, (f) => f, { layerFilter: (l) => l === points, hitTolerance: 4 });
      if (!hit) return;
      const st = styleState.current;
      if (st.mode === 'cases' && hit.get('case_no')) store.update((s) => setWorkspaceParam(s, 'city.case', hit.get('case_no') as string));
      if (st.mode === 'vehicles' && hit.get('vehicle')) store.update((s) => setWorkspaceParam(s, 'city.vehicle', hit.get('vehicle') as string));
    };
    // The marker's pixel after every frame: the e2e test follows it, users see it move.
    const onRender = () => {
      const g = markerFeature.current.getGeometry();
      setMarkerPixel(g ? map.getPixelFromCoordinate(g.getCoordinates()) : null);
    };
    map.on('singleclick', onClick);
    map.on('rendercomplete', onRender);
    return () => {
      map.un('singleclick', onClick);
      map.un('rendercomplete', onRender);
      for (const l of [areas, trackLayer, points, marker]) map.removeLayer(l);
      layers.current = null;
    };
  }, [map, store]);

  useEffect(() => {
    const l = layers.current;
    if (!l) return;
    const doc = mode === 'cases' ? cases.value : mode === 'vehicles' ? vehicles.value : mode === 'parking' ? parking.value : null;
    l.points.getSource()!.clear();
    if (doc) l.points.getSource()!.addFeatures(readFeatures(doc));
    l.areas.getSource()!.clear();
    if (mode === 'energy' && energy.value) l.areas.getSource()!.addFeatures(readFeatures(energy.value.buildings));
  }, [mode, cases.value, vehicles.value, parking.value, energy.value]);
  useEffect(() => {
    layers.current?.points.changed();
    layers.current?.areas.changed();
  }, [caseNo, vehicle, energyBreaks, lang]);

  // Track line and stops; fit the view to the track once per vehicle.
  const fitted = useRef<string | null>(null);
  useEffect(() => {
    const l = layers.current;
    if (!l) return;
    const src = l.track.getSource()!;
    src.clear();
    const doc = mode === 'vehicles' ? track.value : null;
    if (!doc) return;
    const xy = trackVertices(doc);
    if (xy.length > 1) src.addFeature(new OlFeature({ geometry: new LineString(xy.map((c) => fromLonLat(c))), kind: 'line' }));
    for (const s of doc.properties.stops) src.addFeature(new OlFeature({ geometry: new Point(fromLonLat([s.lon, s.lat])), kind: 'stop' }));
    const extent = src.getExtent();
    if (fitted.current !== doc.properties.vehicle && xy.length > 1 && extent) {
      fitted.current = doc.properties.vehicle;
      map.getView().fit(extent, { padding: [60, 60, 60, 60], maxZoom: 16 });
    }
  }, [mode, track.value, map]);

  // The replay marker follows the global time cursor.
  const replay = mode === 'vehicles' && track.value ? replayPosition(track.value, atMs) : null;
  useEffect(() => {
    const f = markerFeature.current;
    if (replay) {
      f.setGeometry(new Point(fromLonLat([replay.lon, replay.lat])));
      f.set('outside', replay.outside);
    } else f.setGeometry(undefined);
    map.render();
  }, [replay?.lon, replay?.lat, replay?.outside, map]);

  // Replay: advance the global time cursor (the time bar shows it; tiles follow it).
  const [replaying, setReplaying] = useState(false);
  useEffect(() => {
    if (!replaying) return;
    const timer = window.setInterval(() => {
      const s = store.getState();
      const t = (s.time ?? Date.now()) + REPLAY_STEP_MS;
      const end = track.value?.properties.times.at(-1);
      if (end === undefined || t > end) {
        setReplaying(false);
        return;
      }
      store.update((x) => setTime(x, t, Date.now()));
    }, REPLAY_TICK_MS);
    return () => window.clearInterval(timer);
  }, [replaying, store, track.value]);
  useEffect(() => setReplaying(false), [vehicle, mode]);

  // ---- workflow actions ------------------------------------------------------------------------
  const [actionError, setActionError] = useState<string | null>(null);
  const [department, setDepartment] = useState('');
  const [tokenDraft, setTokenDraft] = useState('');
  useEffect(() => setActionError(null), [caseNo]);
  const allActions = useMemo(() => {
    const seen = new Map<string, { zh: string; en: string }>();
    for (const t of workflow.value?.transitions ?? []) if (!seen.has(t.action)) seen.set(t.action, { zh: t.zh, en: t.en });
    return [...seen];
  }, [workflow.value]);
  const allowed = new Set(((caseDoc?.properties['actions'] as { action: string }[] | undefined) ?? []).map((a) => a.action));
  const act = (action: string) => {
    if (!caseNo) return;
    setActionError(null);
    postTransition(caseNo, action, token, action === 'dispatch' && department ? department : null).then(
      (doc) => {
        setCaseDoc(doc);
        setRevision((r) => r + 1);
      },
      (err: unknown) => setActionError(err instanceof CityApiError ? err.problem.detail : String(err)),
    );
  };

  const busy = counts.busy || cases.busy || vehicles.busy || track.busy || parking.busy || energy.busy;
  const modeNames: Record<CityMode, Readonly<Record<Lang, string>>> = S.modes;
  const stateName = (code: string) => {
    const s = workflow.value?.states.find((x) => x.code === code);
    return s ? s[lang] : code;
  };

  return (
    <div className="city-workspace" data-testid="city-workspace">
      <div className="city-row" role="radiogroup" aria-label={tr(S.modes.cases, lang)}>
        {CITY_MODES.map((m) => (
          <label key={m} className="city-mode">
            <input type="radio" name="city-mode" checked={mode === m} onChange={() => setParam('city.mode', m === 'cases' ? null : m)} data-testid={`city-mode-${m}`} /> {tr(modeNames[m], lang)}
          </label>
        ))}
      </div>
      <p className="city-at">
        {tr(S.at, lang)}: {formatTime(atMs, lang)} {time === null ? `(${tr(S.now, lang)})` : ''}{' '}
        <button type="button" className="city-link" onClick={() => store.update((s) => setTime(s, SAMPLE_INSTANT_MS, Date.now()))} data-testid="city-sample-day">
          {tr(S.sampleDay, lang)}
        </button>
        {busy ? <span className="city-busy"> {tr(S.loading, lang)}</span> : null}
      </p>

      {mode === 'components' && counts.value && (
        <table className="city-table" data-testid="city-component-counts">
          <thead>
            <tr>
              <th>{tr(S.street, lang)}</th>
              {counts.value.statuses.map((s) => (
                <th key={s.code}>
                  <span className="city-swatch" style={{ background: s.color }} /> {s[lang]}
                </th>
              ))}
              <th>{tr(S.total, lang)}</th>
            </tr>
          </thead>
          <tbody>
            {counts.value.rows.map((r) => (
              <tr key={r.key}>
                <td>{r.name}</td>
                {counts.value!.statuses.map((s) => (
                  <td key={s.code}>{r.counts[s.code] ?? 0}</td>
                ))}
                <td>{r.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {mode === 'cases' && (
        <>
          <div className="city-row">
            <label>
              <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> {tr(S.openOnly, lang)}
            </label>
            {caseStats.value && (
              <span className="city-hint" data-testid="city-case-stats">
                {caseStats.value.totals.total} {tr(S.cases, lang)} · {tr(S.overdueRate, lang)} {((caseStats.value.totals.overdueRate ?? 0) * 100).toFixed(1)}%
              </span>
            )}
          </div>
          <ol className="city-list" data-testid="city-cases">
            {(cases.value?.features ?? []).map((f) => {
              const p = f.properties;
              return (
                <li key={String(p['case_no'])} className={p['case_no'] === caseNo ? 'selected' : ''}>
                  <button type="button" className="city-link" onClick={() => setParam('city.case', String(p['case_no']))} data-case-no={String(p['case_no'])}>
                    <span className="city-swatch round" style={{ background: String(p['state_color']) }} /> {String(p['class_name'])}
                  </button>{' '}
                  <small>
                    {stateName(String(p['state']))} · {formatTime(Date.parse(String(p['reported_at'])), lang)}
                    {p['overdue'] ? <strong className="city-bad"> {tr(S.overdue, lang)}</strong> : null}
                  </small>
                </li>
              );
            })}
          </ol>
          <section className="city-section" data-testid="city-case">
            {!caseNo && <p className="city-hint">{tr(S.pickCase, lang)}</p>}
            {caseNo && caseDoc && (
              <>
                <h3>
                  {String(caseDoc.properties['class_name'])} <small>{caseNo}</small>{' '}
                  <button type="button" className="city-link" onClick={() => setParam('city.case', null)} aria-label="×">
                    ×
                  </button>
                </h3>
                <p data-testid="city-case-state" data-state={String(caseDoc.properties['state'])}>
                  <span className="city-swatch round" style={{ background: String(caseDoc.properties['state_color']) }} /> {stateName(String(caseDoc.properties['state']))}
                  {caseDoc.properties['department_name'] ? ` · ${String(caseDoc.properties['department_name'])}` : ''}
                  {caseDoc.properties['overdue'] ? <strong className="city-bad"> {tr(S.overdue, lang)}</strong> : null}
                </p>
                <p className="city-hint">
                  {String(caseDoc.properties['description'])} · {String(caseDoc.properties['address'] ?? '')}
                </p>
                {!token && (
                  <form
                    className="city-row"
                    onSubmit={(e) => {
                      e.preventDefault();
                      const t = tokenDraft.trim();
                      if (!t) return;
                      writeEditToken(t);
                      store.update((s) => setEditToken(s, t));
                    }}
                  >
                    <span className="city-hint">{tr(S.tokenNeeded, lang)}</span>
                    <input type="password" value={tokenDraft} onChange={(e) => setTokenDraft(e.target.value)} placeholder="om_…" aria-label="token" data-testid="city-token" />
                    <button type="submit">{tr(S.tokenSave, lang)}</button>
                  </form>
                )}
                <div className="city-row">
                  <strong>{tr(S.actions, lang)}:</strong>
                  {allActions.map(([action, name]) => (
                    <button
                      key={action}
                      type="button"
                      className={allowed.has(action) ? 'city-action allowed' : 'city-action'}
                      title={allowed.has(action) ? tr(S.allowed, lang) : undefined}
                      disabled={!token}
                      onClick={() => act(action)}
                      data-action={action}
                    >
                      {name[lang]}
                    </button>
                  ))}
                </div>
                {allowed.has('dispatch') && (
                  <label className="city-row">
                    {tr(S.department, lang)}{' '}
                    <select value={department} onChange={(e) => setDepartment(e.target.value)}>
                      <option value="">{tr(S.byDefault, lang)}</option>
                      {(workflow.value?.departments ?? []).map((d) => (
                        <option key={d.code} value={d.code}>
                          {d[lang]}
                        </option>
                      ))}
                    </select>
                  </label>
                )}
                {actionError && (
                  <p className="city-error" role="alert" data-testid="city-case-error">
                    {actionError}
                  </p>
                )}
                <details>
                  <summary>{tr(S.events, lang)}</summary>
                  <ol className="city-events">
                    {((caseDoc.properties['events'] as { action: string; to: string; actor: string; at: string; note?: string }[] | undefined) ?? []).map((e, i) => (
                      <li key={i}>
                        {formatTime(Date.parse(e.at), lang)} · {stateName(e.to)} · {e.actor}
                        {e.note ? ` · ${e.note}` : ''}
                      </li>
                    ))}
                  </ol>
                </details>
              </>
            )}
            {caseNo && detail.error && <p className="city-error">{detail.error}</p>}
          </section>
        </>
      )}

      {mode === 'vehicles' && (
        <>
          <ul className="city-list" data-testid="city-vehicles">
            {(vehicles.value?.features ?? []).map((f) => {
              const p = f.properties;
              return (
                <li key={String(p['vehicle'])} className={p['vehicle'] === vehicle ? 'selected' : ''}>
                  <button type="button" className="city-link" onClick={() => setParam('city.vehicle', String(p['vehicle']))} data-vehicle={String(p['vehicle'])}>
                    {String(p['plate'])}
                  </button>{' '}
                  <small>
                    {String(p['speed_kmh'] ?? 0)} km/h · {formatTime(Date.parse(String(p['tm'])), lang)}
                    {p['outside'] ? <strong className="city-bad"> {tr(S.outside, lang)}</strong> : null}
                  </small>
                </li>
              );
            })}
          </ul>
          {!vehicles.value?.features.length && !vehicles.busy && <p className="city-hint">{tr(S.noData, lang)}</p>}
          <section className="city-section">
            {!vehicle && <p className="city-hint">{tr(S.pickVehicle, lang)}</p>}
            {vehicle && track.value && (
              <>
                <p>
                  <strong>{track.value.properties.plate}</strong> · {tr(S.distance, lang)} {formatKm(track.value.properties.distanceM, lang)} · {tr(S.stops, lang)}{' '}
                  {track.value.properties.stops.length} · {tr(S.outside, lang)} {track.value.properties.outsideCount}{' '}
                  <button type="button" onClick={() => setReplaying((r) => !r)} data-testid="city-replay-toggle">
                    {replaying ? tr(S.pause, lang) : tr(S.replay, lang)}
                  </button>
                </p>
                <p
                  className="city-hint"
                  data-testid="city-replay"
                  data-time={String(atMs)}
                  data-lon={replay ? replay.lon.toFixed(7) : ''}
                  data-lat={replay ? replay.lat.toFixed(7) : ''}
                  data-px={markerPixel && replay ? markerPixel[0]!.toFixed(1) : ''}
                  data-py={markerPixel && replay ? markerPixel[1]!.toFixed(1) : ''}
                  data-outside={replay?.outside ? 'true' : 'false'}
                >
                  {replay ? `${replay.lon.toFixed(5)}, ${replay.lat.toFixed(5)}${replay.outside ? ` · ${tr(S.outside, lang)}` : ''}` : tr(S.noTrack, lang)}
                </p>
              </>
            )}
            {track.error && <p className="city-error">{track.error}</p>}
          </section>
        </>
      )}

      {mode === 'parking' && (
        <table className="city-table" data-testid="city-parking">
          <thead>
            <tr>
              <th>{tr(S.lot, lang)}</th>
              <th>{tr(S.available, lang)}</th>
              <th>{tr(S.trend, lang)}</th>
            </tr>
          </thead>
          <tbody>
            {(parking.value?.features ?? []).map((f) => {
              const p = f.properties;
              const trend = p['trend'] as string | undefined;
              return (
                <tr key={String(p['id'])}>
                  <td>{String(p['name'])}</td>
                  <td>
                    <span className="city-swatch" style={{ background: parkingColour(p['available'] as number | undefined, Number(p['capacity'])) }} /> {String(p['available'] ?? '–')} / {String(p['capacity'])}
                  </td>
                  <td>{trend ? `${trendArrow(trend)} ${tr(TREND_NAMES[trend]!, lang)}` : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {mode === 'energy' && energy.value && (
        <>
          <p className="city-hint">
            {tr(S.period, lang)}: {energy.value.from} – {energy.value.to}
          </p>
          <ul className="city-legend">
            {ENERGY_COLOURS.map((c, i) => (
              <li key={c}>
                <span className="city-swatch" style={{ background: c }} /> {i === 0 ? '<' : '≥'} {(i === 0 ? energyBreaks[0] : energyBreaks[i - 1])?.toFixed(1) ?? ''} {tr(S.perM2, lang)}
              </li>
            ))}
            <li>
              <span className="city-swatch" style={{ borderColor: '#6a00ff', borderWidth: 3 }} /> {tr(S.outliers, lang)}
            </li>
          </ul>
          <table className="city-table" data-testid="city-energy">
            <thead>
              <tr>
                <th>{tr(S.use, lang)}</th>
                <th>{tr(S.perM2, lang)}</th>
                <th>{tr(S.outliers, lang)}</th>
              </tr>
            </thead>
            <tbody>
              {energy.value.byUse.map((u) => (
                <tr key={u.use}>
                  <td>{USE_NAMES[u.use] ? tr(USE_NAMES[u.use]!, lang) : u.use}</td>
                  <td>{u.kwhPerM2.toFixed(2)}</td>
                  <td>{u.outliers}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {[counts.error, cases.error, vehicles.error, parking.error, energy.error].filter(Boolean).map((e) => (
        <p key={e} className="city-error">
          {e}
        </p>
      ))}
    </div>
  );
}
