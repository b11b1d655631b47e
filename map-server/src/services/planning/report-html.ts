/**
 * The printable compliance report (合规性审查报告): one self-contained HTML page (inline CSS and
 * SVG map, no scripts, no external requests) that the browser prints and headless Chromium turns
 * into the PDF. Pure: a stored result in, HTML out.
 */
import type { Area, ReviewResult } from './compliance-review.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `YYYY-MM-DD HH:mm` in Beijing time (UTC+8, no DST). */
export function beijingTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

const fmt = (v: number, digits: number) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const areaCells = (a: Area) => `<td class="n">${fmt(a.m2, 2)}</td><td class="n">${fmt(a.ha, 4)}</td><td class="n">${fmt(a.mu, 2)}</td>`;

const SEVERITY: Record<string, string> = { conflict: '冲突 Conflict', warning: '警示 Warning', info: '信息 Info' };
const VERDICT: Record<string, string> = { conflict: '存在冲突 Conflict', warning: '需论证 Warning', pass: '通过 Pass' };

export function renderReportHtml(result: ReviewResult, mapSvg: string, links: { json: string; pdf: string } | undefined = undefined): string {
  const rows = result.layers
    .map(
      (l) => `<tr class="sev-${l.fired ? l.severity : 'none'}"><td>${esc(l.title.zh)}<br><small>${esc(l.title.en)}</small></td>
        <td>${l.rule === 'outside_warning' ? '边界外面积 Outside' : l.rule === 'classes' ? '控规覆盖 Covered' : '占用面积 Inside'}</td>
        ${areaCells(l.area)}<td class="n">${fmt(l.pct, 2)}</td>
        <td>${l.fired ? `<b>${SEVERITY[l.severity]}</b><br><small>${esc(l.message.zh)}</small>` : '—'}</td></tr>`,
    )
    .join('\n');
  const parcels = result.layers.find((l) => l.classes);
  const classRows = parcels
    ? [
        ...parcels.classes!.map(
          (c) => `<tr><td><span class="sw" style="background:${c.color ?? '#ddd'}"></span>${esc(c.code)}</td><td>${esc(c.name)}<br><small>${esc(c.nameEn)}</small></td>${areaCells(c.area)}<td class="n">${fmt(c.pct, 2)}</td></tr>`,
        ),
        `<tr><td>—</td><td>控规未覆盖(含道路)<br><small>Not covered by parcels (incl. streets)</small></td>${areaCells(parcels.uncovered!)}<td class="n">${fmt((100 * parcels.uncovered!.m2) / result.site.area.m2, 2)}</td></tr>`,
      ].join('\n')
    : '';
  const sliverRows = result.slivers
    .map((s) => `<tr><td>${esc(s.layer)}</td><td>${esc(s.what)}</td><td class="n">${fmt(s.areaM2, 3)}</td></tr>`)
    .join('\n');
  const versionRows = result.dataVersions
    .map(
      (v) => `<tr><td>${esc(v.layer)}</td><td>${v.inForce ? `${esc(v.inForce.name)}<br><small>${esc(v.inForce.approvalNo)} · ${esc(v.inForce.approvedOn)} (${esc(v.inForce.id)})</small>` : '—'}</td>
        <td>${esc(v.featureVersions.join(', ') || '—')}</td><td>${v.loadedAt ? esc(beijingTime(v.loadedAt)) : '—'}</td></tr>`,
    )
    .join('\n');
  const b = result.balance;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>合规性审查报告 No.${result.id}</title>
<style>
  @page { size: A4; margin: 14mm 12mm; }
  body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #222; font-size: 12px; margin: 0 auto; max-width: 760px; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 14px; margin: 16px 0 6px; border-bottom: 1px solid #999; }
  table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; padding: 3px 5px; vertical-align: top; }
  th { background: #eef1f5; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  small { color: #666; } .meta td { border: none; padding: 1px 8px 1px 0; }
  .verdict { display: inline-block; padding: 4px 10px; border-radius: 3px; font-weight: bold; color: #fff; }
  .verdict.conflict { background: #c62828; } .verdict.warning { background: #ef6c00; } .verdict.pass { background: #2e7d32; }
  tr.sev-conflict td:first-child { border-left: 4px solid #c62828; } tr.sev-warning td:first-child { border-left: 4px solid #ef6c00; }
  .sw { display: inline-block; width: 10px; height: 10px; border: 1px solid #777; margin-right: 4px; vertical-align: middle; }
  .map { border: 1px solid #bbb; text-align: center; } .links a { margin-right: 12px; }
  @media print { .links { display: none; } }
</style></head>
<body>
<h1>建设项目选址合规性审查报告</h1>
<div><small>Site compliance review report · 台州市时空信息云平台</small></div>
<table class="meta">
  <tr><td>报告编号 Report</td><td id="report-id">No.${result.id}</td><td>审查日期 Date</td><td id="report-date">${esc(beijingTime(result.createdAt))} (北京时间)</td></tr>
  <tr><td>地块 Site</td><td>${esc(result.name ?? '—')}</td><td>规划时点 Plan as of</td><td>${esc(beijingTime(result.asOf))}</td></tr>
  <tr><td>地块面积 Area</td><td>${fmt(result.site.area.m2, 2)} m² · ${fmt(result.site.area.ha, 4)} 公顷 · ${fmt(result.site.area.mu, 2)} 亩</td><td>来源 Source</td><td>${esc(result.source.format)} · ${esc(result.source.crs)}</td></tr>
  <tr><td>结论 Verdict</td><td colspan="3"><span class="verdict ${result.verdict}">${VERDICT[result.verdict]}</span></td></tr>
</table>
${links ? `<p class="links"><a href="${esc(links.pdf)}">PDF</a><a href="${esc(links.json)}">JSON</a></p>` : ''}
<h2>位置图 Map</h2>
<div class="map">${mapSvg}</div>
<div><small><span class="sw" style="background:#d50000"></span>地块 site <span class="sw" style="background:#2e7d32"></span>生态保护红线 red line <span class="sw" style="background:#f0dc5a"></span>永久基本农田 farmland <span class="sw" style="background:#fff;border-color:#8e24aa"></span>城镇开发边界 boundary · 控规地块按用地性质着色 parcels by land use</small></div>
<h2>管控要素审查 Constraints</h2>
<table id="constraints"><thead><tr><th>图层 Layer</th><th>口径 Measure</th><th>平方米 m²</th><th>公顷 ha</th><th>亩 mu</th><th>占比 %</th><th>结论 Finding</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>控规用地构成 Land-use classes</h2>
<table id="classes"><thead><tr><th>代码 Code</th><th>用地性质 Land use</th><th>平方米 m²</th><th>公顷 ha</th><th>亩 mu</th><th>占比 %</th></tr></thead>
<tbody>
${classRows}
</tbody></table>
<p><small>面积平衡 Balance: 各类 ${fmt(b.classesM2, 2)} + 未覆盖 ${fmt(b.uncoveredM2, 2)} + 碎片 ${fmt(b.sliversM2, 3)} = ${fmt(b.classesM2 + b.uncoveredM2 + b.sliversM2, 2)} m²; 地块 site ${fmt(b.siteM2, 2)} m² (差 difference ${fmt(b.differenceM2, 3)} m²).
面积按 CGCS2000 椭球计算 (ellipsoidal areas). 1 公顷 = 10 000 m², 1 亩 = 666.67 m².</small></p>
<h2>忽略的碎片 Slivers ignored</h2>
<p><small>容差 Tolerance: 小于 ${fmt(result.tolerance.m2, 2)} m² 且小于地块面积的 ${fmt(result.tolerance.pct, 3)}% (即 &lt; ${fmt(result.tolerance.effectiveM2, 4)} m²)</small></p>
<table id="slivers"><thead><tr><th>图层 Layer</th><th>要素 Feature</th><th>面积 m²</th></tr></thead>
<tbody>
${sliverRows || '<tr><td colspan="3">无 none</td></tr>'}
</tbody></table>
<h2>数据版本 Data versions</h2>
<table id="versions"><thead><tr><th>图层 Layer</th><th>现行版本 Edition in force</th><th>要素版本 Feature editions</th><th>入库时间 Loaded</th></tr></thead>
<tbody>
${versionRows}
</tbody></table>
<p><small>审查人 Requested by ${esc(result.createdBy)} · 生成于 Generated ${esc(beijingTime(result.createdAt))}</small></p>
</body></html>
`;
}
