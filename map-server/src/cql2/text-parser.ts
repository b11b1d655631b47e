/**
 * CQL2 text (OGC 21-065r2, Annex B BNF) by recursive descent, into the typed AST:
 *
 *   booleanExpression = booleanTerm { OR booleanTerm }
 *   booleanTerm       = booleanFactor { AND booleanFactor }
 *   booleanFactor     = [ NOT ] booleanPrimary
 *   booleanPrimary    = "(" booleanExpression ")" | booleanLiteral | function | predicate
 *   predicate         = scalar ( compOp scalar | [NOT] LIKE pattern | [NOT] BETWEEN a AND b
 *                       | [NOT] IN "(" list ")" | IS [NOT] NULL )
 *
 * Keywords and function names are case-insensitive; property names are kept as written.
 * Errors carry the 0-based offset of the token where reading failed.
 */
import {
  SPATIAL_FUNCTIONS,
  TEMPORAL_FUNCTIONS,
  type BooleanNode,
  type ComparisonOp,
  type IntervalBound,
  type ScalarNode,
  type SpatialFunction,
  type TemporalFunction,
} from './ast.ts';
import { Cql2Error } from './errors.ts';
import type { Geometry, Position2 } from './geometry.ts';
import { tokenize, type Token } from './lexer.ts';
import { checkDate, checkTimestamp, intervalBoundFromString } from './literals.ts';

const RESERVED = new Set(['and', 'or', 'not', 'like', 'between', 'in', 'is', 'null', 'true', 'false']);
const COMPARISON = new Set<string>(['=', '<>', '<', '>', '<=', '>=']);
const WKT_TYPES = new Set(['point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection']);

/** Operand of a predicate, or a predicate already (spatial/temporal functions are boolean). */
type Operand = { readonly scalar: ScalarNode } | { readonly predicate: BooleanNode };

/** Reads a CQL2 text filter; throws Cql2Error with the offset of the first problem. */
export function parseCql2Text(text: string): BooleanNode {
  if (!text.trim()) throw new Cql2Error('the filter is empty', 0);
  return new TextParser(tokenize(text)).parseFilter();
}

class TextParser {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  parseFilter(): BooleanNode {
    const node = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'end') throw new Cql2Error(`unexpected ${describe(t)} after a complete expression`, t.pos);
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }
  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'identifier' && t.text.toLowerCase() === word;
  }
  private acceptKeyword(word: string): Token | undefined {
    return this.isKeyword(word) ? this.next() : undefined;
  }
  private expectKeyword(word: string): Token {
    const t = this.peek();
    if (!this.isKeyword(word)) throw new Cql2Error(`expected ${word.toUpperCase()}, found ${describe(t)}`, t.pos);
    return this.next();
  }
  private isPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === p;
  }
  private expectPunct(p: string): Token {
    const t = this.peek();
    if (!this.isPunct(p)) throw new Cql2Error(`expected "${p}", found ${describe(t)}`, t.pos);
    return this.next();
  }

  private parseOr(): BooleanNode {
    const first = this.parseAnd();
    const args = [first];
    while (this.acceptKeyword('or')) args.push(this.parseAnd());
    return args.length === 1 ? first : { kind: 'or', args, pos: first.pos };
  }

  private parseAnd(): BooleanNode {
    const first = this.parseNot();
    const args = [first];
    while (this.acceptKeyword('and')) args.push(this.parseNot());
    return args.length === 1 ? first : { kind: 'and', args, pos: first.pos };
  }

  private parseNot(): BooleanNode {
    const not = this.acceptKeyword('not');
    if (not) return { kind: 'not', arg: this.parseNot(), pos: not.pos };
    return this.parsePrimary();
  }

  private parsePrimary(): BooleanNode {
    if (this.isPunct('(')) {
      this.next();
      const inner = this.parseOr();
      this.expectPunct(')');
      return inner;
    }
    const start = this.peek();
    const operand = this.parseOperand();
    if ('predicate' in operand) return operand.predicate;
    const left = operand.scalar;
    const t = this.peek();
    if (t.kind === 'operator' && COMPARISON.has(t.text)) {
      this.next();
      return { kind: 'compare', op: t.text as ComparisonOp, left, right: this.parseScalar(), pos: t.pos };
    }
    const negated = this.isKeyword('not') && ['like', 'between', 'in'].some((w) => this.isKeyword(w, 1));
    const notToken = negated ? this.next() : undefined;
    const wrap = (node: BooleanNode): BooleanNode => (notToken ? { kind: 'not', arg: node, pos: notToken.pos } : node);
    if (this.isKeyword('like')) {
      const op = this.next();
      return wrap({ kind: 'like', value: left, pattern: this.parseScalar(), pos: op.pos });
    }
    if (this.isKeyword('between')) {
      const op = this.next();
      const low = this.parseScalar();
      this.expectKeyword('and');
      return wrap({ kind: 'between', value: left, low, high: this.parseScalar(), pos: op.pos });
    }
    if (this.isKeyword('in')) {
      const op = this.next();
      this.expectPunct('(');
      const list = [this.parseScalar()];
      while (this.isPunct(',')) {
        this.next();
        list.push(this.parseScalar());
      }
      this.expectPunct(')');
      return wrap({ kind: 'in', value: left, list, pos: op.pos });
    }
    if (this.isKeyword('is')) {
      const op = this.next();
      const not = this.acceptKeyword('not');
      this.expectKeyword('null');
      const node: BooleanNode = { kind: 'isNull', value: left, pos: op.pos };
      return not ? { kind: 'not', arg: node, pos: not.pos } : node;
    }
    // A lone operand is a predicate only when it is boolean.
    if (left.kind === 'boolean') return left;
    if (left.kind === 'property') return { kind: 'booleanProperty', name: left.name, pos: left.pos };
    throw new Cql2Error(`expected a comparison, LIKE, BETWEEN, IN or IS NULL after ${describe(start)}, found ${describe(t)}`, t.pos);
  }

  /** A value operand; a spatial or temporal function in operand position is an error. */
  private parseScalar(): ScalarNode {
    const t = this.peek();
    const operand = this.parseOperand();
    if ('predicate' in operand) throw new Cql2Error(`${describe(t)} is a predicate, not a value`, t.pos);
    return operand.scalar;
  }

  private parseOperand(): Operand {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.next();
        return { scalar: { kind: 'string', value: t.text, pos: t.pos } };
      case 'number':
        this.next();
        return { scalar: { kind: 'number', value: Number(t.text), pos: t.pos } };
      case 'operator':
        if ((t.text === '-' || t.text === '+') && this.peek(1).kind === 'number') {
          this.next();
          const n = this.next();
          return { scalar: { kind: 'number', value: (t.text === '-' ? -1 : 1) * Number(n.text), pos: t.pos } };
        }
        if (t.text === '-' || t.text === '+' || t.text === '*' || t.text === '/') throw new Cql2Error('arithmetic expressions are not supported', t.pos);
        break;
      case 'quotedIdentifier':
        this.next();
        return { scalar: { kind: 'property', name: t.text, pos: t.pos } };
      case 'identifier': {
        const word = t.text.toLowerCase();
        if (word === 'true' || word === 'false') {
          this.next();
          return { scalar: { kind: 'boolean', value: word === 'true', pos: t.pos } };
        }
        if (this.peek(1).kind === 'punct' && this.peek(1).text === '(') return this.parseCall();
        if (RESERVED.has(word)) throw new Cql2Error(`expected a property name or a literal, found the keyword ${t.text.toUpperCase()}`, t.pos);
        this.next();
        return { scalar: { kind: 'property', name: t.text, pos: t.pos } };
      }
      default:
        break;
    }
    throw new Cql2Error(`expected a property name or a literal, found ${describe(t)}`, t.pos);
  }

  /** `name(` … `)`: literal constructors, CASEI/ACCENTI, spatial and temporal predicates. */
  private parseCall(): Operand {
    const nameToken = this.next();
    const name = nameToken.text.toLowerCase();
    const pos = nameToken.pos;
    if (WKT_TYPES.has(name)) {
      this.i--;
      return { scalar: { kind: 'geometry', geometry: this.parseWkt(), pos } };
    }
    this.expectPunct('(');
    let result: Operand;
    switch (name) {
      case 'date':
        result = { scalar: { kind: 'date', value: checkDate(this.expectString().text, pos), pos } };
        break;
      case 'timestamp':
        result = { scalar: { kind: 'timestamp', value: checkTimestamp(this.expectString().text, pos), pos } };
        break;
      case 'interval': {
        const start = this.parseIntervalBound();
        this.expectPunct(',');
        const end = this.parseIntervalBound();
        result = { scalar: { kind: 'interval', start, end, pos } };
        break;
      }
      case 'bbox': {
        const values = [this.signedNumber()];
        while (this.isPunct(',')) {
          this.next();
          values.push(this.signedNumber());
        }
        if (values.length !== 4 && values.length !== 6) throw new Cql2Error(`BBOX takes 4 or 6 numbers, got ${values.length}`, pos);
        result = { scalar: { kind: 'bbox', values, pos } };
        break;
      }
      case 'casei':
      case 'accenti':
        result = { scalar: { kind: name, arg: this.parseScalar(), pos } };
        break;
      default: {
        if ((SPATIAL_FUNCTIONS as readonly string[]).includes(name) || (TEMPORAL_FUNCTIONS as readonly string[]).includes(name)) {
          const left = this.parseScalar();
          this.expectPunct(',');
          const right = this.parseScalar();
          result = (SPATIAL_FUNCTIONS as readonly string[]).includes(name)
            ? { predicate: { kind: 'spatial', op: name as SpatialFunction, left, right, pos } }
            : { predicate: { kind: 'temporal', op: name as TemporalFunction, left, right, pos } };
          break;
        }
        throw new Cql2Error(`unknown function ${nameToken.text}`, pos);
      }
    }
    this.expectPunct(')');
    return result;
  }

  private expectString(): Token {
    const t = this.peek();
    if (t.kind !== 'string') throw new Cql2Error(`expected a quoted string, found ${describe(t)}`, t.pos);
    return this.next();
  }

  private parseIntervalBound(): IntervalBound {
    const t = this.peek();
    if (t.kind === 'string') {
      this.next();
      return intervalBoundFromString(t.text, t.pos);
    }
    const operand = this.parseScalar();
    if (operand.kind === 'date' || operand.kind === 'timestamp' || operand.kind === 'property') return operand;
    throw new Cql2Error("an interval bound must be '..', a date, a timestamp or a property", t.pos);
  }

  private signedNumber(): number {
    const t = this.peek();
    let sign = 1;
    if (t.kind === 'operator' && (t.text === '-' || t.text === '+')) {
      sign = t.text === '-' ? -1 : 1;
      this.next();
    }
    const n = this.peek();
    if (n.kind !== 'number') throw new Cql2Error(`expected a number, found ${describe(n)}`, n.pos);
    this.next();
    return sign * Number(n.text);
  }

  // --- WKT (OGC 06-103r4 as profiled by CQL2: 2D or 3D coordinates, no EMPTY) ---

  private parseWkt(): Geometry {
    const t = this.next();
    const type = t.text.toLowerCase();
    if (this.isKeyword('z')) this.next();
    switch (type) {
      case 'point': {
        this.expectPunct('(');
        const c = this.coordinate();
        this.expectPunct(')');
        return { type: 'Point', coordinates: c };
      }
      case 'linestring':
        return { type: 'LineString', coordinates: this.lineText(2) };
      case 'polygon':
        return { type: 'Polygon', coordinates: this.polygonText() };
      case 'multipoint':
        return {
          type: 'MultiPoint',
          coordinates: this.list(() => {
            if (!this.isPunct('(')) return this.coordinate();
            this.next();
            const c = this.coordinate();
            this.expectPunct(')');
            return c;
          }),
        };
      case 'multilinestring':
        return { type: 'MultiLineString', coordinates: this.list(() => this.lineText(2)) };
      case 'multipolygon':
        return { type: 'MultiPolygon', coordinates: this.list(() => this.polygonText()) };
      case 'geometrycollection':
        return {
          type: 'GeometryCollection',
          geometries: this.list(() => {
            const n = this.peek();
            if (n.kind !== 'identifier' || !WKT_TYPES.has(n.text.toLowerCase())) throw new Cql2Error(`expected a WKT geometry, found ${describe(n)}`, n.pos);
            return this.parseWkt();
          }),
        };
      default:
        throw new Cql2Error(`unknown geometry type ${t.text}`, t.pos);
    }
  }

  private list<T>(item: () => T): T[] {
    this.expectPunct('(');
    const out = [item()];
    while (this.isPunct(',')) {
      this.next();
      out.push(item());
    }
    this.expectPunct(')');
    return out;
  }

  private coordinate(): Position2 {
    const start = this.peek().pos;
    const c = [this.signedNumber(), this.signedNumber()];
    const t = this.peek();
    if (t.kind === 'number' || (t.kind === 'operator' && (t.text === '-' || t.text === '+'))) c.push(this.signedNumber());
    if (c.some((v) => !Number.isFinite(v))) throw new Cql2Error('coordinate is not a finite number', start);
    return c;
  }

  private lineText(minPoints: number): Position2[] {
    const pos = this.peek().pos;
    const coords = this.list(() => this.coordinate());
    if (coords.length < minPoints) throw new Cql2Error(`a line needs at least ${minPoints} positions, got ${coords.length}`, pos);
    return coords;
  }

  private polygonText(): Position2[][] {
    return this.list(() => {
      const pos = this.peek().pos;
      const ring = this.lineText(4);
      const [a, b] = [ring[0]!, ring.at(-1)!];
      if (a[0] !== b[0] || a[1] !== b[1]) throw new Cql2Error('a polygon ring must end where it starts', pos);
      return ring;
    });
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end of the filter';
    case 'string':
      return `the string '${t.text.slice(0, 30)}'`;
    case 'quotedIdentifier':
      return `"${t.text.slice(0, 30)}"`;
    default:
      return `"${t.text.slice(0, 30)}"`;
  }
}
