/**
 * PostgreSQL COPY text format: tab-separated fields, `\N` for NULL, and backslash escapes for
 * backslash, tab, newline and carriage return (PostgreSQL docs, "COPY — Text Format").
 */

export type CopyValue = string | number | null;

function escapeField(v: CopyValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`non-finite number in COPY data: ${v}`);
    return String(v);
  }
  return /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;
}

/** One COPY line, newline included. */
export function copyLine(values: readonly CopyValue[]): string {
  return values.map(escapeField).join('\t') + '\n';
}

/** Groups lines into chunks of about `chunkChars` characters for streaming. */
export function* copyChunks(rows: Iterable<readonly CopyValue[]>, chunkChars = 1 << 20): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += copyLine(row);
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
