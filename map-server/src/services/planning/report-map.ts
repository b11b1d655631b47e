/**
 * The map of a compliance report: an SVG of the site and the parts of the planning features it
 * meets, drawn from PostGIS `ST_AsSVG` paths in EPSG:4549 metres (y already negated, as SVG
 * wants), with a scale bar and a north arrow. No tiles, no fonts beyond the page's: it prints
 * the same in the browser and in the PDF.
 */

export interface MapFeature {
  readonly layer: string;
  /** SVG path data (ST_AsSVG, absolute, EPSG:4549). */
  readonly path: string;
  /** Fill for classified features (land-use class colour). */
  readonly color: string | null;
  readonly label: string;
}

export interface SiteMapInput {
  readonly site: { readonly path: string; readonly xmin: number; readonly ymin: number; readonly xmax: number; readonly ymax: number };
  readonly features: readonly MapFeature[];
}

/** Drawing of each layer, bottom first. */
const LAYER_STYLE: readonly { layer: string; fill: string; stroke: string; dash?: string; opacity: number }[] = [
  { layer: 'plan_parcels', fill: '#dddddd', stroke: '#666666', opacity: 0.9 },
  { layer: 'plan_basic_farmland', fill: '#f0dc5a', stroke: '#b59a00', opacity: 0.75 },
  { layer: 'plan_urban_boundary', fill: 'none', stroke: '#8e24aa', dash: '6 4', opacity: 1 },
  { layer: 'plan_eco_redline', fill: '#2e7d32', stroke: '#c62828', opacity: 0.55 },
];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const COLOR = /^#[0-9a-fA-F]{6}$/;

/** A "nice" scale-bar length (1, 2 or 5 × 10ⁿ metres) near a fifth of the width. */
export function scaleBarMetres(widthM: number): number {
  const target = widthM / 5;
  const p = 10 ** Math.floor(Math.log10(target));
  return [5, 2, 1].map((m) => m * p).find((v) => v <= target) ?? p;
}

export function renderSiteMapSvg({ site, features }: SiteMapInput, widthPx = 640, heightPx = 420): string {
  const w = Math.max(site.xmax - site.xmin, 1);
  const h = Math.max(site.ymax - site.ymin, 1);
  const pad = Math.max(w, h) * 0.08;
  // Keep the page's aspect: grow the shorter side of the view box.
  let vw = w + 2 * pad;
  let vh = h + 2 * pad;
  if (vw / vh < widthPx / heightPx) vw = (vh * widthPx) / heightPx;
  else vh = (vw * heightPx) / widthPx;
  const cx = (site.xmin + site.xmax) / 2;
  const cy = -(site.ymin + site.ymax) / 2;
  const vx = cx - vw / 2;
  const vy = cy - vh / 2;
  const px = vw / widthPx; // metres per pixel
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="site-map" width="${widthPx}" height="${heightPx}" viewBox="${vx.toFixed(1)} ${vy.toFixed(1)} ${vw.toFixed(1)} ${vh.toFixed(1)}">`);
  parts.push(`<rect x="${vx.toFixed(1)}" y="${vy.toFixed(1)}" width="${vw.toFixed(1)}" height="${vh.toFixed(1)}" fill="#fbfaf6"/>`);
  for (const style of LAYER_STYLE) {
    for (const f of features.filter((x) => x.layer === style.layer)) {
      const fill = f.color && COLOR.test(f.color) ? f.color : style.fill;
      parts.push(
        `<path data-layer="${style.layer}" d="${esc(f.path)}" fill="${fill}" fill-opacity="${style.opacity}" stroke="${style.stroke}" stroke-width="${(1.2 * px).toFixed(2)}"${style.dash ? ` stroke-dasharray="${style.dash.split(' ').map((d) => (Number(d) * px).toFixed(1)).join(' ')}"` : ''} fill-rule="evenodd"><title>${esc(f.label)}</title></path>`,
      );
    }
  }
  parts.push(`<path data-layer="site" d="${esc(site.path)}" fill="none" stroke="#d50000" stroke-width="${(3 * px).toFixed(2)}" fill-rule="evenodd"/>`);
  // Scale bar (bottom left) and north arrow (top right), in pixels converted to metres.
  const bar = scaleBarMetres(vw);
  const bx = vx + 16 * px;
  const by = vy + vh - 18 * px;
  parts.push(`<rect x="${bx.toFixed(1)}" y="${(by - 4 * px).toFixed(1)}" width="${bar.toFixed(1)}" height="${(4 * px).toFixed(2)}" fill="#222"/>`);
  parts.push(`<text x="${bx.toFixed(1)}" y="${(by - 8 * px).toFixed(1)}" font-size="${(12 * px).toFixed(2)}" fill="#222">${bar >= 1000 ? `${bar / 1000} km` : `${bar} m`}</text>`);
  const nx = vx + vw - 24 * px;
  const ny = vy + 14 * px;
  parts.push(`<path d="M ${nx.toFixed(1)} ${ny.toFixed(1)} l ${(7 * px).toFixed(2)} ${(20 * px).toFixed(2)} l ${(-7 * px).toFixed(2)} ${(-6 * px).toFixed(2)} l ${(-7 * px).toFixed(2)} ${(6 * px).toFixed(2)} z" fill="#222"/>`);
  parts.push(`<text x="${(nx - 4 * px).toFixed(1)}" y="${(ny + 34 * px).toFixed(1)}" font-size="${(12 * px).toFixed(2)}" fill="#222">N</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
