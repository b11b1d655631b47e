/**
 * 水利 workspace: stations coloured by status at the time cursor, rainfall accumulations and
 * isohyet bands with a legend, water-function zones by GB 3838 class, a station panel with a
 * uPlot chart and its thresholds, the live alarm list (Server-Sent Events) with acknowledge, and
 * withdrawal against permits. URL state: water.layer, water.window, water.isohyets, water.station.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useFetched } from '../../use-fetched.ts';
import type Feature from 'ol/Feature.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import { Circle, Fill, Stroke, Style, Text } from 'ol/style.js';
import type { FeatureLike } from 'ol/Feature.js';
import type MapBrowserEvent from 'ol/MapBrowserEvent.js';
import { setWorkspaceParam } from '../../app-state.ts';
import { setEditToken } from '../../edit-state.ts';
import type { Lang } from '../../i18n.ts';
import { useStore } from '../../store.ts';
import { writeEditToken } from '../../token-storage.ts';
import type { WorkspaceProps } from '../workspace-props.ts';
import { StationChart } from './station-chart.tsx';
import {
  acknowledgeAlarm,
  fetchAlarms,
  fetchIsohyets,
  fetchPermits,
  fetchRainClasses,
  fetchRainfall,
  fetchSeries,
  fetchStatus,
  fetchZones,
  WaterApiError,
  type FeatureCollectionDoc,
} from './water-api.ts';
import {
  ALARM_STATE_NAMES,
  applyAlarmEvent,
  classOf,
  classRange,
  formatM3,
  MAP_MODES,
  parseMapMode,
  parseRainWindow,
  permitBar,
  RAIN_WINDOWS,
  rainClassesFor,
  rainTotal,
  rainWindowLabel,
  sortAlarms,
  STATE_COLOURS,
  STATE_NAMES,
  STATION_STATES,
  stateColour,
  thresholdLines,
  type Alarm,
  type AlarmEventData,
  type MapMode,
  type Permit,
  type RainClassRow,
  type SeriesDoc,
} from './water-logic.ts';
import './water.css';

const S = {
  modes: { status: { zh: '测站状态', en: 'Station status' }, rain: { zh: '雨量', en: 'Rainfall' }, zones: { zh: '水功能区', en: 'Water-function zones' } },
  isohyets: { zh: '等雨量面', en: 'Isohyets' },
  window: { zh: '时段', en: 'Window' },
  at: { zh: '时刻', en: 'At' },
  now: { zh: '现在', en: 'now' },
  loading: { zh: '加载中…', en: 'Loading…' },
  station: { zh: '测站', en: 'Station' },
  pickStation: { zh: '点击地图上的测站查看过程线', en: 'Click a station on the map to see its series' },
  value: { zh: '当前值', en: 'Value' },
  change: { zh: '1 小时变化', en: 'Change over 1 h' },
  alarms: { zh: '告警', en: 'Alarms' },
  live: { zh: '实时', en: 'live' },
  offline: { zh: '未连接', en: 'offline' },
  acknowledge: { zh: '确认', en: 'Acknowledge' },
  noAlarms: { zh: '暂无告警', en: 'No alarms' },
  tokenNeeded: { zh: '确认告警需要编辑令牌', en: 'Acknowledging needs an editor token' },
  tokenSave: { zh: '使用令牌', en: 'Use token' },
  permits: { zh: '取水许可 · 取水量对比许可量', en: 'Withdrawal permits · withdrawn vs permitted' },
  over: { zh: '超许可', en: 'over permit' },
  prorata: { zh: '按时进度许可量', en: 'pro-rata quota' },
  zoneTarget: { zh: '目标', en: 'target' },
  zoneLatest: { zh: '现状', en: 'latest' },
  meets: { zh: '达标', en: 'meets' },
  fails: { zh: '不达标', en: 'fails' },
  noSample: { zh: '无监测', en: 'no sample' },
  noClasses: { zh: '无雨', en: 'No rain' },
} as const;

const tr = (x: Readonly<Record<Lang, string>>, lang: Lang) => x[lang];
const geojson = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });

function readFeatures(doc: FeatureCollectionDoc): Feature[] {
  return geojson.readFeatures(doc) as Feature[];
}

function formatTime(ms: number, lang: Lang): string {
  return new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** Stages and totals as SL 323 keeps them (≤ 3 decimals), without float noise. */
function formatValue(v: unknown): string {
  return typeof v === 'number' ? String(Number(v.toFixed(3))) : String(v ?? '–');
}


export default function WaterWorkspace({ store, map, lang }: WorkspaceProps) {
  const params = useStore(store, (s) => s.workspaceParams);
  const time = useStore(store, (s) => s.time);
  const token = useStore(store, (s) => s.edit.token);
  const mode = parseMapMode(params['water.layer']);
  const win = parseRainWindow(params['water.window']);
  const showIsohyets = params['water.isohyets'] !== '0';
  const station = params['water.station'] ?? null;
  const setParam = (key: string, value: string | null) => store.update((s) => setWorkspaceParam(s, key, value));
  // "now" is re-read when the cursor is at now and something else changes; good enough for a panel.
  const atMs = useMemo(() => time ?? Date.now(), [time]);

  // ---- alarms, live --------------------------------------------------------------------------
  const [alarms, setAlarms] = useState<Alarm[]>([]);
  const [live, setLive] = useState(false);
  const [statusRevision, setStatusRevision] = useState(0);
  useEffect(() => {
    let list: Alarm[] | null = null;
    const queued: AlarmEventData[] = [];
    let bump: ReturnType<typeof setTimeout> | undefined;
    const source = new EventSource('/water/alarms/stream');
    const onEvent = (ev: MessageEvent<string>) => {
      const data = JSON.parse(ev.data) as AlarmEventData;
      if (list === null) queued.push(data);
      else {
        list = applyAlarmEvent(list, data);
        setAlarms(list);
      }
      // New or cleared alarms mean new observations: redraw the station states soon.
      clearTimeout(bump);
      bump = setTimeout(() => setStatusRevision((r) => r + 1), 1000);
    };
    for (const name of ['raised', 'acknowledged', 'cleared']) source.addEventListener(name, onEvent as EventListener);
    source.onopen = () => {
      setLive(true);
      fetchAlarms().then(
        (r) => {
          // The list was read after the stream opened, so it includes what was queued.
          list = sortAlarms(r.alarms);
          queued.length = 0;
          setAlarms(list);
        },
        () => {
          list = sortAlarms(queued.map((q) => q.alarm));
          setAlarms(list);
        },
      );
    };
    source.onerror = () => setLive(false);
    return () => {
      clearTimeout(bump);
      source.close();
    };
  }, []);

  // ---- data at T -----------------------------------------------------------------------------
  const status = useFetched((signal) => fetchStatus(atMs, signal), [atMs, statusRevision]);
  const rain = useFetched(mode === 'rain' ? (signal) => fetchRainfall(win, atMs, signal) : null, [mode, win, atMs]);
  const iso = useFetched(mode === 'rain' && showIsohyets ? (signal) => fetchIsohyets(win, atMs, signal) : null, [mode, win, showIsohyets, atMs]);
  const zones = useFetched(mode === 'zones' ? (signal) => fetchZones(signal) : null, [mode]);
  const classRows = useFetched((signal) => fetchRainClasses(signal).then((r) => r.classes), []);
  const classes = useMemo(() => rainClassesFor(classRows.value ?? ([] as RainClassRow[]), win), [classRows.value, win]);
  const year = Number(new Date(atMs + 8 * 3_600_000).toISOString().slice(0, 4));
  const permits = useFetched((signal) => fetchPermits(year, signal), [year]);

  // ---- map layers ----------------------------------------------------------------------------
  const layers = useRef<{ points: VectorLayer<VectorSource>; areas: VectorLayer<VectorSource> } | null>(null);
  const styleState = useRef({ mode, win, classes, station, lang });
  styleState.current = { mode, win, classes, station, lang };
  useEffect(() => {
    const pointStyle = (f: FeatureLike) => {
      const st = styleState.current;
      const p = f.getProperties();
      const selected = p['stcd'] === st.station;
      let colour: string;
      let label: string | undefined;
      if (st.mode === 'rain') {
        const total = rainTotal(p as never, st.win);
        colour = classOf(total, st.classes)?.colour ?? '#ffffff';
        label = total !== null && total > 0 ? String(total) : undefined;
      } else colour = stateColour(p['state'] as string | undefined);
      return new Style({
        image: new Circle({ declutterMode: 'obstacle', radius: selected ? 8 : 5, fill: new Fill({ color: colour }), stroke: new Stroke({ color: selected ? '#000' : '#333', width: selected ? 2.5 : 1 }) }),
        ...(label ? { text: new Text({ text: label, offsetY: -11, font: '11px sans-serif', fill: new Fill({ color: '#111' }), stroke: new Stroke({ color: '#fff', width: 3 }) }) } : {}),
      });
    };
    const areaStyle = (f: FeatureLike) => {
      const p = f.getProperties();
      if (styleState.current.mode === 'zones') {
        const colour = p['meets'] === true ? 'rgba(26, 152, 80, 0.35)' : p['meets'] === false ? 'rgba(215, 48, 39, 0.4)' : 'rgba(158, 158, 158, 0.3)';
        return new Style({
          fill: new Fill({ color: colour }),
          stroke: new Stroke({ color: '#225', width: 1.5 }),
          text: new Text({ text: String(p['latestClass'] ?? ''), font: 'bold 12px sans-serif', fill: new Fill({ color: '#111' }), stroke: new Stroke({ color: '#fff', width: 3 }) }),
        });
      }
      return new Style({ fill: new Fill({ color: `${String(p['color'] ?? '#ffffff')}b0` }), stroke: new Stroke({ color: 'rgba(60, 60, 60, 0.4)', width: 0.5 }) });
    };
    // Decluttered: labels that would overlap are dropped (the symbols stay, declutter spares images with no text).
    const points = new VectorLayer({ source: new VectorSource(), style: pointStyle, zIndex: 1001, declutter: true, properties: { id: 'water-stations' } });
    const areas = new VectorLayer({ source: new VectorSource(), style: areaStyle, zIndex: 1000, opacity: 0.75, properties: { id: 'water-areas' } });
    map.addLayer(areas);
    map.addLayer(points);
    layers.current = { points, areas };
    const onClick = (e: MapBrowserEvent) => {
      const hit = map.forEachFeatureAtPixel(e.pixel, (f) => f, { layerFilter: (l) => l === points, hitTolerance: 4 });
      const stcd = hit?.get('stcd') as string | undefined;
      if (stcd) store.update((s) => setWorkspaceParam(s, 'water.station', stcd));
    };
    map.on('singleclick', onClick);
    return () => {
      map.un('singleclick', onClick);
      map.removeLayer(points);
      map.removeLayer(areas);
      layers.current = null;
    };
  }, [map, store]);

  useEffect(() => {
    const l = layers.current;
    if (!l) return;
    const doc = mode === 'rain' ? rain.value : status.value;
    l.points.getSource()!.clear();
    if (doc && mode !== 'zones') l.points.getSource()!.addFeatures(readFeatures(doc));
    l.areas.getSource()!.clear();
    const areaDoc = mode === 'zones' ? zones.value : mode === 'rain' && showIsohyets ? iso.value : null;
    if (areaDoc) l.areas.getSource()!.addFeatures(readFeatures(areaDoc));
  }, [mode, showIsohyets, status.value, rain.value, iso.value, zones.value]);
  useEffect(() => {
    layers.current?.points.changed();
    layers.current?.areas.changed();
  }, [station, win, classes, lang]);

  // ---- station panel -------------------------------------------------------------------------
  const stationProps = useMemo(() => status.value?.features.find((f) => f.properties['stcd'] === station)?.properties ?? null, [status.value, station]);
  const element = (stationProps?.['element'] as string | undefined) ?? null;
  // The chart shows two days before and one after the cursor (never past now).
  const from = new Date(atMs - 2 * 86_400_000).toISOString();
  const to = new Date(Math.min(atMs + 86_400_000, Date.now())).toISOString();
  const series = useFetched(station && element ? (signal) => fetchSeries(station, element, from, to, signal) : null, [station, element, from, to]);
  const lines = useMemo(() => (series.value ? thresholdLines(series.value.meta.thresholds, atMs) : []), [series.value, atMs]);

  // ---- acknowledge ---------------------------------------------------------------------------
  const [ackError, setAckError] = useState<string | null>(null);
  const [tokenDraft, setTokenDraft] = useState('');
  const acknowledge = (id: number) => {
    setAckError(null);
    acknowledgeAlarm(id, token).then(
      () => {
        // The stream carries the 'acknowledged' event; set it here too in case it is offline.
        setAlarms((list) => list.map((a) => (a.id === id ? { ...a, state: 'acknowledged' } : a)));
      },
      (err: unknown) => setAckError(err instanceof WaterApiError ? err.problem.detail : String(err)),
    );
  };

  const modeNames: Record<MapMode, Readonly<Record<Lang, string>>> = S.modes;
  return (
    <div className="water-workspace" data-testid="water-workspace">
      <div className="water-row" role="radiogroup" aria-label={tr(S.modes.status, lang)}>
        {MAP_MODES.map((m) => (
          <label key={m} className="water-mode">
            <input type="radio" name="water-mode" checked={mode === m} onChange={() => setParam('water.layer', m === 'status' ? null : m)} /> {tr(modeNames[m], lang)}
          </label>
        ))}
      </div>
      <p className="water-at">
        {tr(S.at, lang)}: {formatTime(atMs, lang)} {time === null ? `(${tr(S.now, lang)})` : ''}
        {status.busy || rain.busy || iso.busy ? <span className="water-busy"> {tr(S.loading, lang)}</span> : null}
      </p>

      {mode === 'status' && (
        <ul className="water-legend" data-testid="water-legend">
          {STATION_STATES.map((s) => (
            <li key={s}>
              <span className="water-swatch round" style={{ background: STATE_COLOURS[s] }} /> {tr(STATE_NAMES[s], lang)}{' '}
              <span className="water-count">{status.value?.features.filter((f) => (f.properties['state'] ?? 'no_data') === s).length ?? ''}</span>
            </li>
          ))}
        </ul>
      )}

      {mode === 'rain' && (
        <>
          <div className="water-row">
            <label>
              {tr(S.window, lang)}{' '}
              <select value={win} onChange={(e) => setParam('water.window', e.target.value === '24' ? null : e.target.value)} data-testid="water-window">
                {RAIN_WINDOWS.map((w) => (
                  <option key={w} value={w}>
                    {rainWindowLabel(w, lang)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <input type="checkbox" checked={showIsohyets} onChange={(e) => setParam('water.isohyets', e.target.checked ? null : '0')} /> {tr(S.isohyets, lang)}
            </label>
          </div>
          <ul className="water-legend" data-testid="water-legend">
            <li>
              <span className="water-swatch" style={{ background: '#ffffff' }} /> {tr(S.noClasses, lang)}
            </li>
            {classes.map((c) => (
              <li key={c.code}>
                <span className="water-swatch" style={{ background: c.colour }} /> {c.name[lang]} <span className="water-count">{classRange(c)}</span>
              </li>
            ))}
          </ul>
          {iso.error && <p className="water-error">{iso.error}</p>}
        </>
      )}

      {mode === 'zones' && (
        <table className="water-table" data-testid="water-zones">
          <thead>
            <tr>
              <th>{tr(S.modes.zones, lang)}</th>
              <th>{tr(S.zoneTarget, lang)}</th>
              <th>{tr(S.zoneLatest, lang)}</th>
            </tr>
          </thead>
          <tbody>
            {zones.value?.features.map((f) => (
              <tr key={String(f.properties['code'])} className={f.properties['meets'] === false ? 'water-bad' : ''}>
                <td>{String(f.properties['name'])}</td>
                <td>{String(f.properties['targetClass'] ?? '')}</td>
                <td>
                  {String(f.properties['latestClass'] ?? '–')} {f.properties['meets'] === true ? `· ${tr(S.meets, lang)}` : f.properties['meets'] === false ? `· ${tr(S.fails, lang)}` : `· ${tr(S.noSample, lang)}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <section className="water-section" data-testid="water-station">
        <h3>{tr(S.station, lang)}</h3>
        {!station && <p className="water-hint">{tr(S.pickStation, lang)}</p>}
        {station && (
          <>
            <p>
              <strong>{String(stationProps?.['stnm'] ?? station)}</strong> {station} · {String(stationProps?.['sttp'] ?? '')}{' '}
              <span className="water-swatch round" style={{ background: stateColour(stationProps?.['state'] as string | undefined) }} />{' '}
              {stationProps ? tr(STATE_NAMES[(stationProps['state'] as keyof typeof STATE_NAMES) ?? 'no_data'] ?? STATE_NAMES.no_data, lang) : ''}
              <button type="button" className="water-link" onClick={() => setParam('water.station', null)} aria-label="×">
                ×
              </button>
            </p>
            {stationProps && stationProps['value'] !== undefined && (
              <p>
                {tr(S.value, lang)}: {formatValue(stationProps['value'])}
                {stationProps['change_1h'] !== undefined ? ` · ${tr(S.change, lang)} ${formatValue(stationProps['change_1h'])}` : ''}
              </p>
            )}
            {series.value && <StationChart doc={series.value as SeriesDoc} lines={lines} atMs={atMs} lang={lang} />}
            {series.error && <p className="water-error">{series.error}</p>}
          </>
        )}
      </section>

      <section className="water-section" data-testid="water-alarms" data-live={live ? 'open' : 'closed'}>
        <h3>
          {tr(S.alarms, lang)} <span className={live ? 'water-live on' : 'water-live'}>● {tr(live ? S.live : S.offline, lang)}</span>
        </h3>
        {!token && (
          <form
            className="water-row"
            onSubmit={(e) => {
              e.preventDefault();
              const t = tokenDraft.trim();
              if (!t) return;
              writeEditToken(t);
              store.update((s) => setEditToken(s, t));
            }}
          >
            <span className="water-hint">{tr(S.tokenNeeded, lang)}</span>
            <input type="password" value={tokenDraft} onChange={(e) => setTokenDraft(e.target.value)} placeholder="om_…" aria-label="token" />
            <button type="submit">{tr(S.tokenSave, lang)}</button>
          </form>
        )}
        {ackError && <p className="water-error">{ackError}</p>}
        {alarms.length === 0 && <p className="water-hint">{tr(S.noAlarms, lang)}</p>}
        <ol className="water-alarms">
          {alarms.map((a) => (
            <li key={a.id} className={`water-alarm ${a.state}`} data-alarm-id={a.id} data-state={a.state} data-kind={a.kind} data-stcd={a.stcd}>
              <button type="button" className="water-link" onClick={() => setParam('water.station', a.stcd)}>
                {a.stnm}
              </button>{' '}
              <span className="water-alarm-msg">{a.message ? a.message[lang] : a.kind}</span>
              <br />
              <small>
                {formatTime(Date.parse(a.raisedAt), lang)} · {tr(ALARM_STATE_NAMES[a.state], lang)}
                {a.acknowledgedBy ? ` (${a.acknowledgedBy})` : ''}
              </small>{' '}
              {a.state === 'raised' && (
                <button type="button" disabled={!token} onClick={() => acknowledge(a.id)} data-testid="water-ack">
                  {tr(S.acknowledge, lang)}
                </button>
              )}
            </li>
          ))}
        </ol>
      </section>

      <details className="water-section" data-testid="water-permits">
        <summary>
          {tr(S.permits, lang)} ({year})
        </summary>
        <ul className="water-permits">
          {(permits.value?.permits ?? []).map((p: Permit) => {
            const bar = permitBar(p);
            return (
              <li key={p.permitNo} className={p.over ? 'water-bad' : ''}>
                <div>
                  {p.holder} <small>{p.permitNo}</small> {p.over ? <strong className="water-over">{tr(S.over, lang)}</strong> : null}
                </div>
                <div className="water-bar" title={`${tr(S.prorata, lang)} ${formatM3(p.prorataQuotaM3, lang)}`}>
                  <span className="used" style={{ width: `${bar.used}%` }} />
                  <span className="prorata" style={{ left: `${bar.prorata}%` }} />
                </div>
                <small>
                  {formatM3(p.withdrawnM3, lang)} / {formatM3(p.annualQuotaM3, lang)}
                </small>
              </li>
            );
          })}
        </ul>
      </details>
    </div>
  );
}
