/**
 * How band values become colours: band combinations chosen by common name (so one choice works
 * for every source), a per-band linear stretch from the collection's display range, and
 * indices — NDVI = (NIR − red) / (NIR + red) on reflectance (scale/offset applied), drawn
 * with a colour ramp.
 */

/** One band as a collection describes it (STAC eo:bands + raster:bands). */
export interface BandInfo {
  readonly name: string;
  readonly common_name?: string;
  readonly center_wavelength?: number;
  readonly full_width_half_max?: number;
  readonly display_min?: number;
  readonly display_max?: number;
  readonly scale?: number;
  readonly offset?: number;
}

export const STYLE_IDS = ['true-color', 'false-color', 'ndvi'] as const;
export type StyleId = (typeof STYLE_IDS)[number];

/** A rendering request: a named style, or three bands (common names or band names) as RGB. */
export type RasterStyle = { readonly kind: 'style'; readonly id: StyleId } | { readonly kind: 'bands'; readonly bands: readonly [string, string, string] };

export class StyleBandError extends Error {
  override readonly name = 'StyleBandError';
}

/** The colour of one pixel from its band values; returns false for "no colour" (transparent). */
export type PixelColourer = (values: ArrayLike<number>, out: Uint8ClampedArray, offset: number) => boolean;

/** Index of a band by common name, or by band name. */
export function bandIndex(bands: readonly BandInfo[], key: string): number {
  const k = key.toLowerCase();
  let i = bands.findIndex((b) => b.common_name?.toLowerCase() === k);
  if (i < 0) i = bands.findIndex((b) => b.name.toLowerCase() === k);
  if (i < 0) throw new StyleBandError(`no band "${key}" (bands: ${bands.map((b) => b.common_name ?? b.name).join(', ')})`);
  return i;
}

/** Band indexes a style reads, in order. */
export function styleBands(style: RasterStyle, bands: readonly BandInfo[]): number[] {
  if (style.kind === 'bands') return style.bands.map((b) => bandIndex(bands, b));
  if (style.id === 'true-color') return ['red', 'green', 'blue'].map((b) => bandIndex(bands, b));
  if (style.id === 'false-color') return ['nir', 'red', 'green'].map((b) => bandIndex(bands, b));
  return ['nir', 'red'].map((b) => bandIndex(bands, b));
}

/** NDVI colour ramp stops: value → RGB (water/bare brown-grey to dense vegetation green). */
export const NDVI_RAMP: readonly (readonly [number, number, number, number])[] = [
  [-1, 12, 12, 120],
  [-0.2, 70, 110, 190],
  [0, 190, 170, 140],
  [0.2, 235, 225, 120],
  [0.4, 160, 205, 80],
  [0.6, 60, 160, 50],
  [1, 0, 90, 20],
];

/** RGB of an NDVI value on the ramp (linear between stops). */
export function ndviColour(v: number): [number, number, number] {
  const r = NDVI_RAMP;
  if (!(v > r[0]![0])) return [r[0]![1], r[0]![2], r[0]![3]];
  for (let i = 1; i < r.length; i++) {
    const b = r[i]!;
    if (v <= b[0]) {
      const a = r[i - 1]!;
      const t = (v - a[0]) / (b[0] - a[0]);
      return [a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2]), a[3] + t * (b[3] - a[3])];
    }
  }
  const last = r[r.length - 1]!;
  return [last[1], last[2], last[3]];
}

/** NDVI from raw stored values of NIR and red with their scale/offset; NaN when undefined. */
export function ndvi(nirRaw: number, redRaw: number, nir: BandInfo, red: BandInfo): number {
  const n = nirRaw * (nir.scale ?? 1) + (nir.offset ?? 0);
  const r = redRaw * (red.scale ?? 1) + (red.offset ?? 0);
  const s = n + r;
  return s === 0 ? NaN : (n - r) / s;
}

/**
 * The colourer for a style over a collection's bands. `values` holds the values of the bands
 * `styleBands()` returned, in that order.
 */
export function pixelColourer(style: RasterStyle, bands: readonly BandInfo[]): PixelColourer {
  const idx = styleBands(style, bands);
  if (style.kind === 'style' && style.id === 'ndvi') {
    const nir = bands[idx[0]!]!, red = bands[idx[1]!]!;
    return (v, out, o) => {
      const x = ndvi(v[0]!, v[1]!, nir, red);
      if (Number.isNaN(x)) return false;
      const [r, g, b] = ndviColour(x);
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = 255;
      return true;
    };
  }
  const lo = idx.map((i) => bands[i]!.display_min ?? 0);
  const span = idx.map((i, k) => Math.max(1e-9, (bands[i]!.display_max ?? 255) - lo[k]!));
  const f0 = 255 / span[0]!, f1 = 255 / span[1]!, f2 = 255 / span[2]!;
  const l0 = lo[0]!, l1 = lo[1]!, l2 = lo[2]!;
  return (v, out, o) => {
    out[o] = (v[0]! - l0) * f0;
    out[o + 1] = (v[1]! - l1) * f1;
    out[o + 2] = (v[2]! - l2) * f2;
    out[o + 3] = 255;
    return true;
  };
}

/** Parses `style` / `bands` query values; undefined style = true colour. */
export function parseRasterStyle(style: string | undefined, bands: string | undefined): RasterStyle {
  if (bands !== undefined) {
    const parts = bands.split(',').map((s) => s.trim()).filter(Boolean);
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_]{1,32}$/.test(p))) throw new StyleBandError('bands must be three band names or common names, e.g. nir,red,green');
    if (style !== undefined) throw new StyleBandError('give either style or bands, not both');
    return { kind: 'bands', bands: [parts[0]!, parts[1]!, parts[2]!] };
  }
  const id = style ?? 'true-color';
  if (!(STYLE_IDS as readonly string[]).includes(id)) throw new StyleBandError(`style must be one of ${STYLE_IDS.join(', ')}`);
  return { kind: 'style', id: id as StyleId };
}

/** A stable text form of a style for cache keys and URLs. */
export function styleKey(style: RasterStyle): string {
  return style.kind === 'style' ? style.id : `bands=${style.bands.join(',').toLowerCase()}`;
}
