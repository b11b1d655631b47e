/**
 * Attribute text from Chinese sources: UTF-8 when it decodes cleanly, else GBK (GB 18030's
 * subset used by Chinese desktop GIS and Excel "CSV (逗号分隔)"), or what the caller forces.
 */

export type TextEncoding = 'utf-8' | 'gbk';

/** Parses an `encoding` option: utf-8/utf8, gbk/gb2312/gb18030/cp936. */
export function parseEncoding(text: string): TextEncoding | undefined {
  const t = text.trim().toLowerCase().replace(/[-_]/g, '');
  if (t === 'utf8') return 'utf-8';
  if (['gbk', 'gb2312', 'gb18030', 'cp936', '936'].includes(t)) return 'gbk';
  return undefined;
}

/** True when the bytes are valid UTF-8 (plain ASCII included). */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Decodes text, dropping a UTF-8 BOM; picks the encoding unless forced. */
export function decodeText(bytes: Uint8Array, forced?: TextEncoding): { text: string; encoding: TextEncoding } {
  const encoding = forced ?? (isUtf8(bytes) ? 'utf-8' : 'gbk');
  // gb18030 is the superset decoder; WHATWG maps "gbk" to it as well.
  const text = new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'gb18030').decode(bytes);
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, encoding };
}
