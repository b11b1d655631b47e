/**
 * CSV points: RFC 4180 (quotes, embedded newlines, CRLF), delimiter `,` `;` tab or `|` taken
 * from the header, UTF-8 or GBK (Excel's Chinese "CSV"), and the coordinate columns found by
 * name — lon/lng/longitude/经度 + lat/latitude/纬度, else x/easting/东坐标 + y/northing/北坐标 —
 * or given by the caller. Chinese surveys write X for north and Y for east (测量坐标系); when
 * the values say so, the pair is swapped and a note says it.
 */
import { ReadError, type Dataset, type ReadLimits, type SourceFeature } from './dataset.ts';
import { inferFieldType, typedValue } from './property-types.ts';
import { decodeText, type TextEncoding } from './text-encoding.ts';

const LON = ['lon', 'lng', 'long', 'longitude', '经度', '东经', 'wgs84_lon', 'gcj02_lon', 'bd09_lon', 'lon_wgs84', 'lng_gcj02'];
const LAT = ['lat', 'latitude', '纬度', '北纬', 'wgs84_lat', 'gcj02_lat', 'bd09_lat', 'lat_wgs84', 'lat_gcj02'];
const X = ['x', 'easting', 'east', 'e', '东坐标', 'x坐标', 'point_x', 'coord_x', '横坐标'];
const Y = ['y', 'northing', 'north', 'n', '北坐标', 'y坐标', 'point_y', 'coord_y', '纵坐标'];

/** Splits CSV text into rows of cells. */
export function parseCsvRows(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      cell = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    if (row.length > 1 || row[0] !== '') rows.push(row);
  }
  return rows;
}

function detectDelimiter(firstLine: string): string {
  let best = ',';
  let count = 0;
  for (const d of [',', ';', '\t', '|']) {
    const n = firstLine.split(d).length - 1;
    if (n > count) {
      best = d;
      count = n;
    }
  }
  return best;
}

const norm = (s: string) => s.trim().toLowerCase();

function findColumn(header: readonly string[], names: readonly string[]): number {
  return header.findIndex((h) => names.includes(norm(h)));
}

export interface CsvOptions {
  readonly encoding?: TextEncoding;
  /** Names of the x (east/lon) and y (north/lat) columns, overriding detection. */
  readonly columns?: readonly [string, string];
}

const median = (values: number[]) => {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

/** Reads CSV points; properties are typed by inference over each column. */
export function readCsv(bytes: Uint8Array, limits: ReadLimits, options: CsvOptions = {}): Dataset {
  const { text, encoding } = decodeText(bytes, options.encoding);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const rows = parseCsvRows(text, detectDelimiter(firstLine));
  const header = rows.shift();
  if (!header || header.length < 2) throw new ReadError('CsvNoHeader', 'CSV 需要表头行和至少两列 / the CSV needs a header row and at least two columns');
  if (rows.length > limits.maxFeatures)
    throw new ReadError('TooManyFeatures', `文件有 ${rows.length} 行，超过上限 ${limits.maxFeatures} / the file has ${rows.length} rows, more than the ${limits.maxFeatures} one import may hold`, 413, { maxFeatures: limits.maxFeatures });
  const notes: string[] = [`encoding ${encoding}`];
  let xi: number;
  let yi: number;
  if (options.columns) {
    [xi, yi] = options.columns.map((c) => header.findIndex((h) => h.trim() === c.trim())) as [number, number];
    if (xi < 0 || yi < 0) throw new ReadError('CsvColumnNotFound', `找不到坐标列 / coordinate column(s) not found: ${options.columns.filter((_, i) => [xi, yi][i]! < 0).join(', ')}; columns are ${header.join(', ').slice(0, 300)}`);
  } else {
    xi = findColumn(header, LON);
    yi = findColumn(header, LAT);
    if (xi < 0 || yi < 0) {
      xi = findColumn(header, X);
      yi = findColumn(header, Y);
    }
    if (xi < 0 || yi < 0)
      throw new ReadError('CsvNoCoordinates', `找不到坐标列（lon/lat、经度/纬度 或 x/y）/ no coordinate columns (lon/lat, 经度/纬度 or x/y); give columns=X,Y. Columns: ${header.join(', ').slice(0, 300)}`);
  }
  const xs = rows.map((r) => Number(r[xi]));
  const ys = rows.map((r) => Number(r[yi]));
  const [mx, my] = [median(xs), median(ys)];
  // Lat in the lon column (3..54 vs 73..136), or survey X (north, ~3.2e6) before Y (east, < 1e6 or zone-prefixed).
  const latLonSwapped = mx >= 3 && mx <= 54 && my >= 73 && my <= 136;
  const surveySwapped = mx > 1e6 && mx < 6.5e6 && (my < 1e6 || my > 1.3e7) && my > 0;
  if (latLonSwapped || surveySwapped) {
    [xi, yi] = [yi, xi];
    notes.push(latLonSwapped ? `columns "${header[xi]}"/"${header[yi]}" hold lon/lat in swapped order; read as lon = ${header[xi]}` : `survey convention (X = north): read east from "${header[xi]}", north from "${header[yi]}"`);
  }
  notes.push(`coordinates from columns "${header[xi]}" (x) and "${header[yi]}" (y)`);
  const propIdx = header.map((_, i) => i).filter((i) => i !== xi && i !== yi);
  const names = propIdx.map((i) => header[i]!.trim() || `column_${i + 1}`);
  const types = propIdx.map((i) => inferFieldType(rows.map((r) => r[i])));
  const features: SourceFeature[] = rows.map((r, n) => {
    const properties: Record<string, unknown> = {};
    propIdx.forEach((i, k) => (properties[names[k]!] = typedValue(r[i] ?? '', types[k]!)));
    const [xt, yt] = [(r[xi] ?? '').trim(), (r[yi] ?? '').trim()];
    const [x, y] = [Number(xt), Number(yt)];
    if (xt === '' || yt === '' || !Number.isFinite(x) || !Number.isFinite(y))
      return { row: n + 1, geometry: null, properties, problem: `坐标缺失或不是数值 / coordinates missing or not numbers: "${xt.slice(0, 20)}", "${yt.slice(0, 20)}"` };
    return { row: n + 1, geometry: { type: 'Point', coordinates: [x, y] }, properties };
  });
  return { format: 'csv', features, fields: names.map((name, k) => ({ name, type: types[k]! })), declaredSrid: undefined, encoding, notes };
}
