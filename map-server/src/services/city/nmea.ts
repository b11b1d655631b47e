/**
 * The BeiDou/GNSS line format of the vehicle terminals: one NMEA 0183 RMC sentence per line,
 * prefixed with the vehicle id — `BD001,$GNRMC,023015.00,A,2840.1234,N,12125.5678,E,12.5,87.0,180625,,,A*6C`.
 * Talkers GN (multi-constellation), BD/GB (BeiDou) and GP (GPS) are accepted. RMC time and date
 * are UTC (NMEA 0183 §6.3). A fix with status V (no valid position) is skipped, not an error.
 * Pure: no I/O.
 */

/** One parsed fix. */
export interface GnssFix {
  readonly vehicle: string;
  /** Epoch milliseconds (UTC). */
  readonly timeMs: number;
  readonly lon: number;
  readonly lat: number;
  readonly speedKmh: number | null;
  readonly heading: number | null;
}

export interface LineProblem {
  readonly row: number;
  readonly field: string;
  readonly message: string;
}

export interface NmeaParseResult {
  readonly fixes: GnssFix[];
  readonly problems: LineProblem[];
  /** Lines with status V (receiver had no fix). */
  readonly skipped: number;
}

const KNOT_KMH = 1.852;
const RMC = /^\$(GN|BD|GB|GP)RMC$/;
const VEHICLE = /^[A-Za-z0-9_-]{1,32}$/;

/** XOR of the bytes between `$` and `*`, as two upper-case hex digits. */
export function nmeaChecksum(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return x.toString(16).toUpperCase().padStart(2, '0');
}

/** ddmm.mmmm / dddmm.mmmm + hemisphere → signed decimal degrees; null when malformed. */
export function nmeaDegrees(value: string, hemisphere: string, degreeDigits: 2 | 3): number | null {
  const m = (degreeDigits === 2 ? /^(\d{2})(\d{2}(?:\.\d+)?)$/ : /^(\d{3})(\d{2}(?:\.\d+)?)$/).exec(value);
  if (!m) return null;
  const minutes = Number(m[2]);
  if (minutes >= 60) return null;
  const deg = Number(m[1]) + minutes / 60;
  const sign = hemisphere === 'S' || hemisphere === 'W' ? -1 : hemisphere === 'N' || hemisphere === 'E' ? 1 : 0;
  if (!sign) return null;
  if (deg > (degreeDigits === 2 ? 90 : 180)) return null;
  return sign * deg;
}

function parseTime(hhmmss: string, ddmmyy: string): number | null {
  const t = /^(\d{2})(\d{2})(\d{2})(\.\d{1,3})?$/.exec(hhmmss);
  const d = /^(\d{2})(\d{2})(\d{2})$/.exec(ddmmyy);
  if (!t || !d) return null;
  const [hh, mi, ss] = [Number(t[1]), Number(t[2]), Number(t[3])];
  const [dd, mo, yy] = [Number(d[1]), Number(d[2]), Number(d[3])];
  if (hh > 23 || mi > 59 || ss > 59 || mo < 1 || mo > 12 || dd < 1) return null;
  // Two-digit years: 80–99 are 1980–1999 (GPS week 0 is 1980), 00–79 are 2000–2079.
  const ms = Date.UTC((yy >= 80 ? 1900 : 2000) + yy, mo - 1, dd, hh, mi, ss, Math.round(Number(t[4] ?? 0) * 1000));
  if (new Date(ms).getUTCDate() !== dd) return null; // 31 June and the like
  return ms;
}

/** Formats a fix as a line of this format (used by tests and the benchmark). */
export function formatRmcLine(fix: GnssFix, talker = 'GN'): string {
  const d = new Date(fix.timeMs);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const time = `${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0').slice(0, 2)}`;
  const date = `${p2(d.getUTCDate())}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCFullYear() % 100)}`;
  const dm = (deg: number, width: number) => {
    const a = Math.abs(deg);
    const whole = Math.floor(a);
    return `${String(whole).padStart(width, '0')}${((a - whole) * 60).toFixed(5).padStart(8, '0')}`;
  };
  const speed = fix.speedKmh === null ? '' : (fix.speedKmh / KNOT_KMH).toFixed(2);
  const course = fix.heading === null ? '' : fix.heading.toFixed(1);
  const body = `${talker}RMC,${time},A,${dm(fix.lat, 2)},${fix.lat < 0 ? 'S' : 'N'},${dm(fix.lon, 3)},${fix.lon < 0 ? 'W' : 'E'},${speed},${course},${date},,,A`;
  return `${fix.vehicle},$${body}*${nmeaChecksum(body)}`;
}

/** Parses a text body of vehicle-tagged RMC lines; every bad line is listed (row = line number). */
export function parseRmcLines(text: string): NmeaParseResult {
  const fixes: GnssFix[] = [];
  const problems: LineProblem[] = [];
  let skipped = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const row = i + 1;
    if (!line || line.startsWith('#')) continue;
    const bad = (field: string, message: string) => problems.push({ row, field, message });
    const comma = line.indexOf(',');
    const vehicle = comma < 0 ? '' : line.slice(0, comma);
    const sentence = comma < 0 ? line : line.slice(comma + 1);
    if (!VEHICLE.test(vehicle)) {
      bad('vehicle', '行首应为车辆编号，如 BD001,$GNRMC,… / the line must start with a vehicle id, e.g. BD001,$GNRMC,…');
      continue;
    }
    const star = sentence.lastIndexOf('*');
    if (!sentence.startsWith('$') || star < 0) {
      bad('sentence', '不是 NMEA 语句 ($…*hh) / not an NMEA sentence ($…*hh)');
      continue;
    }
    const body = sentence.slice(1, star);
    const given = sentence.slice(star + 1).toUpperCase();
    if (given !== nmeaChecksum(body)) {
      bad('checksum', `校验和应为 ${nmeaChecksum(body)}，实为 ${given.slice(0, 4)} / checksum should be ${nmeaChecksum(body)}, got ${given.slice(0, 4)}`);
      continue;
    }
    const f = body.split(',');
    if (!RMC.test(`$${f[0]}`)) {
      bad('sentence', `只接受 RMC 语句，收到 ${f[0]?.slice(0, 8)} / only RMC sentences are accepted, got ${f[0]?.slice(0, 8)}`);
      continue;
    }
    if (f.length < 10) {
      bad('sentence', 'RMC 字段不足 / too few RMC fields');
      continue;
    }
    if (f[2] === 'V') {
      skipped++;
      continue;
    }
    if (f[2] !== 'A') {
      bad('status', 'RMC 状态应为 A 或 V / RMC status must be A or V');
      continue;
    }
    const timeMs = parseTime(f[1]!, f[9]!);
    if (timeMs === null) {
      bad('time', 'UTC 时间或日期无效 / invalid UTC time or date');
      continue;
    }
    const lat = nmeaDegrees(f[3]!, f[4]!, 2);
    const lon = nmeaDegrees(f[5]!, f[6]!, 3);
    if (lat === null || lon === null) {
      bad(lat === null ? 'lat' : 'lon', '经纬度格式无效 (ddmm.mmmm,N / dddmm.mmmm,E) / invalid latitude/longitude');
      continue;
    }
    const knots = f[7] === '' ? null : Number(f[7]);
    const course = f[8] === '' ? null : Number(f[8]);
    if (knots !== null && !(Number.isFinite(knots) && knots >= 0)) {
      bad('speed', '速度无效 / invalid speed');
      continue;
    }
    if (course !== null && !(Number.isFinite(course) && course >= 0 && course <= 360)) {
      bad('heading', '航向应在 0–360 / course must be in 0–360');
      continue;
    }
    fixes.push({ vehicle, timeMs, lon, lat, speedKmh: knots === null ? null : Math.round(knots * KNOT_KMH * 10) / 10, heading: course });
  }
  return { fixes, problems, skipped };
}
