/**
 * Tokens of CQL2 text (OGC 21-065r2, Annex B BNF): identifiers, double-quoted identifiers,
 * single-quoted strings (quote escaped as `''` or `\'`), unsigned numbers, operators and
 * punctuation. Every token keeps its 0-based offset for error messages.
 */
import { Cql2Error } from './errors.ts';

export type TokenKind = 'identifier' | 'quotedIdentifier' | 'string' | 'number' | 'operator' | 'punct' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Identifiers and operators as written; strings unescaped; numbers as written. */
  readonly text: string;
  readonly pos: number;
}

const OPERATORS = ['<>', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '^'] as const;
const PUNCT = new Set(['(', ')', ',', '[', ']']);
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
// identifierStart: letters (any script), `_`; then letters, digits, `_`, `.`, `:` (BNF identifierPart).
const IDENTIFIER = /[\p{L}_][\p{L}\p{N}_.:]*/uy;
const WHITESPACE = /\s+/y;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const at = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(text);
    return m ? m[0] : undefined;
  };
  while (i < text.length) {
    const ws = at(WHITESPACE);
    if (ws) {
      i += ws.length;
      continue;
    }
    const c = text[i]!;
    if (c === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Cql2Error('unterminated string literal', start);
        const ch = text[i]!;
        if (ch === "'" && text[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (ch === '\\' && text[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (ch === "'") {
          i++;
          break;
        } else {
          value += ch;
          i++;
        }
      }
      tokens.push({ kind: 'string', text: value, pos: start });
      continue;
    }
    if (c === '"') {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Cql2Error('unterminated quoted property name', start);
        const ch = text[i]!;
        if (ch === '"' && text[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (ch === '"') {
          i++;
          break;
        } else {
          value += ch;
          i++;
        }
      }
      if (!value) throw new Cql2Error('empty quoted property name', start);
      tokens.push({ kind: 'quotedIdentifier', text: value, pos: start });
      continue;
    }
    const num = at(NUMBER);
    if (num) {
      tokens.push({ kind: 'number', text: num, pos: i });
      i += num.length;
      continue;
    }
    const ident = at(IDENTIFIER);
    if (ident) {
      tokens.push({ kind: 'identifier', text: ident, pos: i });
      i += ident.length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'operator', text: op, pos: i });
      i += op.length;
      continue;
    }
    if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
      continue;
    }
    throw new Cql2Error(`unexpected character ${JSON.stringify(c)}`, i);
  }
  tokens.push({ kind: 'end', text: '', pos: text.length });
  return tokens;
}
