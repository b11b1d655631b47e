/**
 * Normalises `Accept-Encoding` before anything reads it: koa-compress 5.2 answers some
 * malformed headers (e.g. `gzip;q=-1`) with a 500 (it sets `Content-Encoding: undefined`).
 * Entries with a q-value outside [0, 1] or an unparseable token are dropped; well-formed
 * headers pass unchanged. Returns undefined when the header is absent.
 */
export function sanitizeAcceptEncoding(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const kept = header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => {
      const m = /^([A-Za-z0-9*-]+)\s*(?:;\s*q\s*=\s*([^;]*))?$/.exec(part);
      if (!m) return false;
      return m[2] === undefined || /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(m[2].trim());
    });
  if (kept.length === header.split(',').length) return header;
  return kept.length ? kept.join(', ') : 'identity';
}
