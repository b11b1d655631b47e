/**
 * Hex-encoded extended WKB (PostGIS EWKB: little-endian, SRID flag 0x20000000) for COPY. The
 * text form of a geometry column accepts it directly and parses faster than EWKT.
 */
import type { LonLat, MultiLineCoords, MultiPolygonCoords } from '../sample/types.ts';

const SRID_FLAG = 0x20000000;
const POINT = 1;
const LINESTRING = 2;
const POLYGON = 3;
const MULTILINESTRING = 5;
const MULTIPOLYGON = 6;

class Writer {
  readonly buf: Buffer;
  private at = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  header(type: number, srid?: number): void {
    this.buf.writeUInt8(1, this.at);
    this.buf.writeUInt32LE(srid === undefined ? type : (type | SRID_FLAG) >>> 0, this.at + 1);
    this.at += 5;
    if (srid !== undefined) {
      this.buf.writeUInt32LE(srid, this.at);
      this.at += 4;
    }
  }
  uint(v: number): void {
    this.buf.writeUInt32LE(v, this.at);
    this.at += 4;
  }
  points(points: readonly LonLat[]): void {
    this.uint(points.length);
    for (const [x, y] of points) {
      this.buf.writeDoubleLE(x, this.at);
      this.buf.writeDoubleLE(y, this.at + 8);
      this.at += 16;
    }
  }
}

/** Hex EWKB of a Point. */
export function pointEwkbHex(p: LonLat, srid: number): string {
  const w = new Writer(9 + 16);
  w.header(POINT, srid);
  w.buf.writeDoubleLE(p[0], 9);
  w.buf.writeDoubleLE(p[1], 17);
  return w.buf.toString('hex');
}

/** Hex EWKB of a MultiLineString. */
export function multiLineEwkbHex(lines: MultiLineCoords, srid: number): string {
  let size = 9 + 4;
  for (const line of lines) size += 9 + line.length * 16;
  const w = new Writer(size);
  w.header(MULTILINESTRING, srid);
  w.uint(lines.length);
  for (const line of lines) {
    w.header(LINESTRING);
    w.points(line);
  }
  return w.buf.toString('hex');
}

/** Hex EWKB of a MultiPolygon. */
export function multiPolygonEwkbHex(polygons: MultiPolygonCoords, srid: number): string {
  let size = 9 + 4;
  for (const polygon of polygons) {
    size += 9;
    for (const ring of polygon) size += 4 + ring.length * 16;
  }
  const w = new Writer(size);
  w.header(MULTIPOLYGON, srid);
  w.uint(polygons.length);
  for (const polygon of polygons) {
    w.header(POLYGON);
    w.uint(polygon.length);
    for (const ring of polygon) w.points(ring);
  }
  return w.buf.toString('hex');
}
