/**
 * 规划 workspace: the 三区三线 and 控规 layers switched on with the standard 用地用海 legend, a
 * site drawn on the map or uploaded (GeoJSON in a chosen CRS, or a zipped Shapefile) sent to the
 * compliance review (合规性审查) as of the time cursor, and its result: verdict, constraint
 * table in m²/公顷/亩, land-use classes, slivers, plan editions used, and links to the HTML and
 * PDF reports. URL state: `planning.review=<id>` (the report shown; a link restores it).
 */
import { useEffect, useRef, useState } from 'react';
import GeoJSON from 'ol/format/GeoJSON.js';
import type Polygon from 'ol/geom/Polygon.js';
import Draw from 'ol/interaction/Draw.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import { Fill, Stroke, Style } from 'ol/style.js';
import type { ApiProblem } from '../../api-problem.ts';
import { setLayerVisible, setWorkspaceParam } from '../../app-state.ts';
import { setEditToken } from '../../edit-state.ts';
import { useStore } from '../../store.ts';
import { writeEditToken } from '../../token-storage.ts';
import type { WorkspaceProps } from '../workspace-props.ts';
import { fetchReview, postReview } from './planning-api.ts';
import {
  areaCells,
  beijingTime,
  formatNumber,
  landUseLegend,
  parseReviewParam,
  PLANNING_LAYERS,
  REVIEW_PARAM,
  reviewQuery,
  SEVERITY_TEXT,
  tr,
  UPLOAD_CRS,
  uploadKind,
  VERDICT_TEXT,
  type ReviewDoc,
} from './planning-logic.ts';
import './planning.css';

const S = {
  legend: { zh: '控规用地图例 (用地用海分类)', en: 'Land-use legend (2023 classification)' },
  review: { zh: '合规性审查', en: 'Compliance review' },
  draw: { zh: '在地图上绘制地块', en: 'Draw a site on the map' },
  drawing: { zh: '单击添加顶点，双击结束', en: 'Click to add vertices, double-click to finish' },
  cancel: { zh: '取消', en: 'Cancel' },
  vertices: { zh: '个顶点', en: 'vertices' },
  upload: { zh: '上传 GeoJSON / Shapefile(zip)', en: 'Upload GeoJSON / zipped Shapefile' },
  crs: { zh: '坐标系', en: 'CRS' },
  asOf: { zh: '规划时点', en: 'Plan as of' },
  now: { zh: '现行', en: 'in force now' },
  busy: { zh: '审查中…', en: 'Reviewing…' },
  verdict: { zh: '结论', en: 'Verdict' },
  siteArea: { zh: '地块面积', en: 'Site area' },
  layer: { zh: '图层', en: 'Layer' },
  finding: { zh: '结论', en: 'Finding' },
  classes: { zh: '用地构成', en: 'Land-use classes' },
  uncovered: { zh: '控规未覆盖(含道路)', en: 'Not covered (incl. streets)' },
  slivers: { zh: '忽略的碎片', en: 'Slivers ignored' },
  versions: { zh: '数据版本', en: 'Data versions' },
  report: { zh: '报告', en: 'Report' },
  tokenNeeded: { zh: '审查结果会被保存，需要编辑令牌', en: 'Reviews are stored; an editor token is needed' },
  tokenSave: { zh: '使用令牌', en: 'Use token' },
  badFile: { zh: '请选择 .geojson/.json 或 .zip 文件', en: 'Choose a .geojson/.json or .zip file' },
} as const;

const siteStyle = new Style({ stroke: new Stroke({ color: '#d50000', width: 3 }), fill: new Fill({ color: 'rgba(213, 0, 0, 0.08)' }) });

export default function PlanningWorkspace({ store, map, lang }: WorkspaceProps) {
  const catalog = useStore(store, (s) => s.catalog);
  const token = useStore(store, (s) => s.edit.token);
  const time = useStore(store, (s) => s.time);
  const reviewId = useStore(store, (s) => parseReviewParam(s.workspaceParams[REVIEW_PARAM]));
  const [review, setReview] = useState<ReviewDoc | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [drawing, setDrawing] = useState(false);
  /** Vertices placed so far in the sketch (shown while drawing). */
  const [vertices, setVertices] = useState(0);
  const [crs, setCrs] = useState('');
  const [tokenDraft, setTokenDraft] = useState('');
  const sourceRef = useRef<VectorSource | null>(null);
  const drawRef = useRef<Draw | null>(null);

  // The planning layers on (once the catalogue knows them), and our site layer on the map.
  useEffect(() => {
    if (!catalog) return;
    store.update((s) => PLANNING_LAYERS.reduce((acc, id) => (acc.catalog?.layers.some((l) => l.id === id) ? setLayerVisible(acc, id, true) : acc), s));
  }, [catalog, store]);
  useEffect(() => {
    const source = new VectorSource();
    const layer = new VectorLayer({ source, style: siteStyle, zIndex: 1000 });
    layer.set('name', 'planning-site');
    map.addLayer(layer);
    sourceRef.current = source;
    return () => {
      if (drawRef.current) map.removeInteraction(drawRef.current);
      map.removeLayer(layer);
      sourceRef.current = null;
    };
  }, [map]);

  // The review named in the URL (a restored link, or the one just made).
  useEffect(() => {
    if (reviewId === undefined) {
      setReview(null);
      return;
    }
    if (review?.id === reviewId && review.siteGeometry) return;
    const ctl = new AbortController();
    fetchReview(reviewId, ctl.signal).then((r) => {
      if (ctl.signal.aborted) return;
      if (r.ok) setReview(r.value);
      else setProblem(r.problem);
    });
    return () => ctl.abort();
  }, [reviewId]); // refetch only when the id changes (review is read, not a trigger)

  // Draw the reviewed site and frame it.
  useEffect(() => {
    const source = sourceRef.current;
    if (!source) return;
    source.clear();
    if (!review?.siteGeometry) return;
    const features = new GeoJSON().readFeatures({ type: 'Feature', geometry: review.siteGeometry, properties: {} }, { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
    source.addFeatures(features);
    const extent = source.getExtent();
    if (extent) map.getView().fit(extent, { padding: [60, 60, 60, 60], maxZoom: 17, duration: 0 });
  }, [review, map]);

  const submit = async (body: string | Blob, kind: 'geojson' | 'shapefile', crsParam: string) => {
    setBusy(true);
    setProblem(null);
    const r = await postReview(body, kind, reviewQuery(time, crsParam), token);
    setBusy(false);
    if (!r.ok) {
      setProblem(r.problem);
      return;
    }
    const fetched = await fetchReview(r.value.id);
    setReview(fetched.ok ? fetched.value : r.value);
    store.update((s) => setWorkspaceParam(s, REVIEW_PARAM, String(r.value.id)));
  };

  const startDraw = () => {
    if (drawRef.current) map.removeInteraction(drawRef.current);
    // stopClick: no feature popup (the map's singleclick) opens over the map while drawing.
    const draw = new Draw({ type: 'Polygon', source: new VectorSource(), stopClick: true });
    setVertices(0);
    draw.on('drawstart', (e) => {
      const geometry = e.feature.getGeometry() as Polygon;
      // The first click starts the sketch; later the ring is the placed vertices, the pointer and
      // the first vertex again.
      setVertices(1);
      geometry.on('change', () => setVertices((n) => Math.max(n, (geometry.getCoordinates()[0]?.length ?? 2) - 2)));
    });
    draw.on('drawend', (e) => {
      map.removeInteraction(draw);
      drawRef.current = null;
      setDrawing(false);
      const geometry = new GeoJSON().writeGeometryObject(e.feature.getGeometry()!, { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857', decimals: 8 });
      void submit(JSON.stringify({ type: 'Feature', properties: {}, geometry }), 'geojson', '');
    });
    map.addInteraction(draw);
    drawRef.current = draw;
    setDrawing(true);
  };
  const cancelDraw = () => {
    if (drawRef.current) map.removeInteraction(drawRef.current);
    drawRef.current = null;
    setDrawing(false);
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    const kind = uploadKind(file.name);
    if (!kind) {
      setProblem({ status: 400, code: 'BadFile', detail: tr(S.badFile, lang) });
      return;
    }
    await submit(kind === 'shapefile' ? file : await file.text(), kind, crs);
  };

  const legend = landUseLegend(catalog);
  const parcels = review?.layers.find((l) => l.classes);

  return (
    <div className="planning-workspace" data-testid="planning-workspace">
      <section className="planning-section">
        <h3>{tr(S.review, lang)}</h3>
        {!token ? (
          <form
            className="planning-row"
            onSubmit={(e) => {
              e.preventDefault();
              const t = tokenDraft.trim();
              if (!t) return;
              writeEditToken(t);
              store.update((s) => setEditToken(s, t));
            }}
          >
            <span className="planning-hint">{tr(S.tokenNeeded, lang)}</span>
            <input type="password" value={tokenDraft} onChange={(e) => setTokenDraft(e.target.value)} placeholder="om_…" aria-label="token" />
            <button type="submit">{tr(S.tokenSave, lang)}</button>
          </form>
        ) : (
          <>
            <p className="planning-hint">
              {tr(S.asOf, lang)}: {time === null ? tr(S.now, lang) : beijingTime(new Date(time).toISOString())}
            </p>
            <div className="planning-row">
              {drawing ? (
                <>
                  <span className="planning-hint" data-testid="planning-vertices" data-count={vertices}>
                    {tr(S.drawing, lang)} ({vertices} {tr(S.vertices, lang)})
                  </span>
                  <button type="button" onClick={cancelDraw}>{tr(S.cancel, lang)}</button>
                </>
              ) : (
                <button type="button" onClick={startDraw} disabled={busy} data-testid="planning-draw">{tr(S.draw, lang)}</button>
              )}
            </div>
            <div className="planning-row">
              <label>
                {tr(S.crs, lang)}{' '}
                <select value={crs} onChange={(e) => setCrs(e.target.value)} data-testid="planning-crs">
                  {UPLOAD_CRS.map((c) => (
                    <option key={c.value} value={c.value}>{tr(c.title, lang)}</option>
                  ))}
                </select>
              </label>
              <label className="planning-upload">
                {tr(S.upload, lang)}{' '}
                <input type="file" accept=".geojson,.json,.zip" disabled={busy} data-testid="planning-upload" onChange={(e) => void onFile(e.target.files?.[0])} />
              </label>
            </div>
          </>
        )}
        {busy && <p className="planning-hint">{tr(S.busy, lang)}</p>}
        {problem && <p className="planning-error" role="alert">{problem.detail}</p>}
      </section>

      {review && (
        <section className="planning-section" data-testid="planning-result">
          <p>
            {tr(S.verdict, lang)}: <span className={`planning-verdict ${review.verdict}`} data-testid="planning-verdict">{tr(VERDICT_TEXT[review.verdict], lang)}</span>{' '}
            <span className="planning-hint">No.{review.id} · {beijingTime(review.createdAt)}</span>
          </p>
          <p>
            {tr(S.siteArea, lang)}: {formatNumber(review.site.area.m2, 2)} m² · {formatNumber(review.site.area.ha, 4)} 公顷 · {formatNumber(review.site.area.mu, 2)} 亩
          </p>
          <table className="planning-table" data-testid="planning-table">
            <thead>
              <tr><th>{tr(S.layer, lang)}</th><th>m²</th><th>公顷</th><th>亩</th><th>%</th><th>{tr(S.finding, lang)}</th></tr>
            </thead>
            <tbody>
              {review.layers.map((l) => (
                <tr key={l.layer} className={l.fired ? `sev-${l.severity}` : ''} data-layer={l.layer}>
                  <td>{tr(l.title, lang)}</td>
                  {areaCells(l.area).map((v, i) => <td key={i} className="n">{v}</td>)}
                  <td className="n">{formatNumber(l.pct, 2)}</td>
                  <td title={l.fired ? tr(l.message, lang) : ''}>{l.fired ? tr(SEVERITY_TEXT[l.severity], lang) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {parcels?.classes && (
            <>
              <h4>{tr(S.classes, lang)}</h4>
              <table className="planning-table" data-testid="planning-classes">
                <tbody>
                  {parcels.classes.map((c) => (
                    <tr key={c.code}>
                      <td><span className="planning-swatch" style={{ background: c.color ?? '#ddd' }} />{c.code} {lang === 'zh' ? c.name : c.nameEn}</td>
                      {areaCells(c.area).map((v, i) => <td key={i} className="n">{v}</td>)}
                      <td className="n">{formatNumber(c.pct, 2)}</td>
                    </tr>
                  ))}
                  {parcels.uncovered && (
                    <tr>
                      <td>{tr(S.uncovered, lang)}</td>
                      {areaCells(parcels.uncovered).map((v, i) => <td key={i} className="n">{v}</td>)}
                      <td className="n">{formatNumber((100 * parcels.uncovered.m2) / review.site.area.m2, 2)}</td>
                    </tr>
                  )}
                </tbody>
              </table>
            </>
          )}
          <p className="planning-hint">
            {tr(S.slivers, lang)}: {review.slivers.length} (&lt; {formatNumber(review.tolerance.effectiveM2, 2)} m²) · {tr(S.versions, lang)}:{' '}
            {[...new Set(review.dataVersions.map((v) => v.inForce?.id).filter(Boolean))].join(', ')}
          </p>
          <p className="planning-row">
            {tr(S.report, lang)}:{' '}
            <a href={`/planning/reviews/${review.id}/report.html`} target="_blank" rel="noreferrer" data-testid="planning-html">HTML</a>
            <a href={`/planning/reviews/${review.id}/report.pdf`} target="_blank" rel="noreferrer" data-testid="planning-pdf">PDF</a>
          </p>
        </section>
      )}

      <section className="planning-section">
        <h3>{tr(S.legend, lang)}</h3>
        <ul className="planning-legend" data-testid="planning-legend">
          {legend.map((c) => (
            <li key={c.code}>
              <span className="planning-swatch" style={{ background: c.color }} />
              {c.code} {tr(c.title, lang)}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
