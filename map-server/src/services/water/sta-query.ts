/**
 * SensorThings request handling: resource path → entity set (+ parent condition), query options
 * ($top, $skip, $count, $orderby, a basic $filter, $expand of one level) → one fixed SQL text
 * with bound values, then entities with @iot control information.
 */
import type { Pool } from '../../db.ts';
import { BadRequestError, NotFoundError } from '../../errors.ts';
import { parseInstant, type RawQuery } from '../../query-params.ts';
import { ENTITIES, ENTITY_SETS, type EntityDef, type EntitySet } from './sta-model.ts';

export const STA_TOP_DEFAULT = 100;
export const STA_TOP_MAX = 10_000;
const OPTIONS = ['$top', '$skip', '$count', '$orderby', '$filter', '$expand'] as const;
const OPS: Readonly<Record<string, string>> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

export interface StaOptions {
  readonly top: number;
  readonly skip: number;
  readonly count: boolean;
  readonly orderby: readonly { prop: string; desc: boolean }[];
  readonly filter: readonly { prop: string; op: string; value: string }[];
  readonly expand: readonly string[];
}

/** SQL text under construction; `$?` placeholders become $1, $2… in order. */
class Sql {
  readonly values: unknown[] = [];
  bind(fragment: string, values: readonly unknown[]): string {
    let i = 0;
    return fragment.replace(/\$\?/g, () => {
      this.values.push(values[i++]);
      return `$${this.values.length}`;
    });
  }
}

function single(query: RawQuery, key: string): string | undefined {
  const v = query[key];
  if (Array.isArray(v)) throw new BadRequestError(`query option ${key} given ${v.length} times`);
  return v;
}

function int(text: string | undefined, name: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) > max) throw new BadRequestError(`${name} must be an integer in [0, ${max}]`);
  return Number(text);
}

/** Tokens of a basic $filter: `prop op literal` joined by `and`. */
function parseFilter(text: string, def: EntityDef): StaOptions['filter'] {
  const tokens = text.match(/'(?:[^']|'')*'|[^\s()]+|[()]/g) ?? [];
  const out: { prop: string; op: string; value: string }[] = [];
  let i = 0;
  while (i < tokens.length) {
    const [prop, op, lit] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (prop === undefined || op === undefined || lit === undefined) throw new BadRequestError('$filter: expected "<property> <eq|ne|gt|ge|lt|le> <literal>"');
    if (!Object.hasOwn(def.props, prop)) throw new BadRequestError(`$filter: unsupported property "${prop.slice(0, 40)}" (supported: ${Object.keys(def.props).join(', ')})`);
    if (!Object.hasOwn(OPS, op)) throw new BadRequestError(`$filter: unsupported operator "${op.slice(0, 20)}" (supported: ${Object.keys(OPS).join(', ')}, and)`);
    const value = lit.startsWith("'") ? lit.slice(1, -1).replace(/''/g, "'") : lit;
    const kind = def.props[prop]!.kind;
    if (kind === 'number' && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) throw new BadRequestError(`$filter: ${prop} needs a number`);
    if (kind === 'time') parseInstant(value, prop);
    if (kind === 'text' && !lit.startsWith("'")) throw new BadRequestError(`$filter: ${prop} needs a quoted string`);
    out.push({ prop, op, value });
    i += 3;
    if (i < tokens.length) {
      if (tokens[i]!.toLowerCase() !== 'and') throw new BadRequestError(`$filter: only "and" joins comparisons, got "${tokens[i]!.slice(0, 20)}"`);
      i += 1;
      if (i >= tokens.length) throw new BadRequestError('$filter: dangling "and"');
    }
  }
  if (!out.length) throw new BadRequestError('$filter is empty');
  return out;
}

export function parseOptions(query: RawQuery, set: EntitySet): StaOptions {
  const unknown = Object.keys(query).filter((k) => !(OPTIONS as readonly string[]).includes(k));
  if (unknown.length) throw new BadRequestError(`unsupported query option(s): ${unknown.join(', ')} (supported: ${OPTIONS.join(', ')})`, { unsupported: unknown });
  const def = ENTITIES[set];
  const count = single(query, '$count');
  if (count !== undefined && count !== 'true' && count !== 'false') throw new BadRequestError('$count must be true or false');
  const orderby = (single(query, '$orderby') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^(\w+)(?:\s+(asc|desc))?$/i.exec(item);
      if (!m || !Object.hasOwn(def.props, m[1]!)) throw new BadRequestError(`$orderby: unsupported "${item.slice(0, 40)}" (properties: ${Object.keys(def.props).join(', ')})`);
      return { prop: m[1]!, desc: (m[2] ?? '').toLowerCase() === 'desc' };
    });
  const filterText = single(query, '$filter');
  const expand = (single(query, '$expand') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const rel of expand) if (!Object.hasOwn(def.relations, rel)) throw new BadRequestError(`$expand: unsupported "${rel.slice(0, 40)}" on ${set} (supported: ${Object.keys(def.relations).join(', ')})`);
  return {
    top: int(single(query, '$top'), '$top', STA_TOP_DEFAULT, STA_TOP_MAX),
    skip: int(single(query, '$skip'), '$skip', 0, 1_000_000_000),
    count: count === 'true',
    orderby,
    filter: filterText === undefined ? [] : parseFilter(filterText, def),
    expand,
  };
}

/** A parsed resource path. */
export interface StaPath {
  readonly set: EntitySet;
  readonly id?: bigint;
  /** Set when the path goes through a parent: `/Things(1)/Datastreams`. */
  readonly parent?: { readonly set: EntitySet; readonly id: bigint; readonly relation: string };
  readonly single: boolean;
}

export function parsePath(path: string): StaPath | 'root' {
  const parts = path.split('/').filter(Boolean);
  if (!parts.length) return 'root';
  const seg = (s: string) => {
    const m = /^(\w+)(?:\((\d{1,18})\))?$/.exec(s);
    if (!m) throw new NotFoundError('NotFound', `no resource "${s.slice(0, 40)}"`);
    return { name: m[1]!, id: m[2] === undefined ? undefined : BigInt(m[2]) };
  };
  const first = seg(parts[0]!);
  if (!(ENTITY_SETS as string[]).includes(first.name)) throw new NotFoundError('NotFound', `no entity set "${first.name.slice(0, 40)}"`);
  const set = first.name as EntitySet;
  if (parts.length === 1) return { set, ...(first.id !== undefined ? { id: first.id } : {}), single: first.id !== undefined };
  if (first.id === undefined || parts.length > 2) throw new NotFoundError('NotFound', 'only /Set, /Set(id) and /Set(id)/Relation paths are supported');
  const second = seg(parts[1]!);
  const rel = ENTITIES[set].relations[second.name];
  if (!rel || second.id !== undefined) throw new NotFoundError('NotFound', `${set} has no relation "${second.name.slice(0, 40)}"`);
  return { set: rel.target, parent: { set, id: first.id, relation: second.name }, single: rel.single };
}

type Row = { id: string; body: Record<string, unknown> } & Record<string, unknown>;

function keyColumns(def: EntityDef): string[] {
  return [...new Set(Object.values(def.relations).map((r) => r.sourceKey))];
}

/** WHERE conditions for a path and filter, appended to `sql`. */
function conditions(sql: Sql, set: EntitySet, path: StaPath | undefined, filter: StaOptions['filter']): string[] {
  const def = ENTITIES[set];
  const where: string[] = [];
  if (path?.id !== undefined) {
    const c = def.byId(path.id);
    if (!c) where.push('false');
    else where.push(sql.bind(c.sql, c.values));
  }
  if (path?.parent) {
    const pdef = ENTITIES[path.parent.set];
    const rel = pdef.relations[path.parent.relation]!;
    const c = pdef.byId(path.parent.id);
    if (!c) where.push('false');
    else where.push(`e.${rel.targetKey} IN (SELECT e.${rel.sourceKey} FROM (${pdef.from}) e WHERE ${sql.bind(c.sql, c.values)})`);
  }
  for (const f of filter) {
    const p = def.props[f.prop]!;
    const cast = p.kind === 'number' ? '::float8' : p.kind === 'time' ? '::timestamptz' : '::text';
    where.push(`${p.sql} ${OPS[f.op]} ${sql.bind('$?', [p.kind === 'time' ? new Date(parseInstant(f.value, f.prop)).toISOString() : f.value])}${cast}`);
  }
  return where;
}

export class StaService {
  constructor(
    private readonly pool: Pool,
    private readonly root: string,
  ) {}

  serviceRoot(): unknown {
    return {
      value: ENTITY_SETS.map((name) => ({ name, url: `${this.root}/${name}` })),
      serverSettings: { conformance: ['http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel', 'http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities', 'http://www.opengis.net/spec/iot_sensing/1.1/req/request-data'] },
    };
  }

  private entity(set: EntitySet, row: Row): Record<string, unknown> {
    const self = `${this.root}/${set}(${row.id})`;
    const out: Record<string, unknown> = { '@iot.id': Number(row.id), '@iot.selfLink': self, ...row.body };
    for (const rel of Object.keys(ENTITIES[set].relations)) out[`${rel}@iot.navigationLink`] = `${self}/${rel}`;
    return out;
  }

  private async rows(set: EntitySet, path: StaPath | undefined, opts: Pick<StaOptions, 'filter' | 'orderby'> & { limit?: number; offset?: number; extra?: { col: string; values: string[] } }): Promise<Row[]> {
    const def = ENTITIES[set];
    const sql = new Sql();
    const where = conditions(sql, set, path, opts.filter);
    if (opts.extra) where.push(`e.${opts.extra.col}::text = ANY(${sql.bind('$?', [opts.extra.values])}::text[])`);
    const order = opts.orderby.flatMap((o) => (o.prop === 'id' ? def.idOrder : [def.props[o.prop]!.sql]).map((x) => `${x} ${o.desc ? 'DESC' : 'ASC'}`));
    order.push(...def.idOrder.map((x) => `${x} ASC`));
    const keys = keyColumns(def)
      .map((k) => `, e.${k}::text AS "k_${k}"`)
      .join('');
    let text = `SELECT e.id::text AS id, e.body${keys} FROM (${def.from}) e${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order.join(', ')}`;
    if (opts.limit !== undefined) text += ` LIMIT ${sql.bind('$?', [opts.limit])}`;
    if (opts.offset) text += ` OFFSET ${sql.bind('$?', [opts.offset])}`;
    return (await this.pool.query<Row>(text, sql.values)).rows;
  }

  private async count(set: EntitySet, path: StaPath | undefined, filter: StaOptions['filter']): Promise<number> {
    const sql = new Sql();
    const where = conditions(sql, set, path, filter);
    const r = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM (${ENTITIES[set].from}) e${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, sql.values);
    return Number(r.rows[0]!.n);
  }

  private async expand(set: EntitySet, rows: readonly Row[], expand: readonly string[]): Promise<Record<string, unknown>[]> {
    const out = rows.map((r) => this.entity(set, r));
    for (const name of expand) {
      const rel = ENTITIES[set].relations[name]!;
      const keys = [...new Set(rows.map((r) => String(r[`k_${rel.sourceKey}`])))];
      const related = keys.length ? await this.rows(rel.target, undefined, { filter: [], orderby: [], extra: { col: rel.targetKey, values: keys } }) : [];
      const targetDef = ENTITIES[rel.target];
      // group by the target's key value (fetched as k_<col> when it is a relation key, else id)
      const keyOf = (r: Row) => String(rel.targetKey === 'id' ? r.id : (r[`k_${rel.targetKey}`] ?? ''));
      if (rel.targetKey !== 'id' && !keyColumns(targetDef).includes(rel.targetKey)) throw new BadRequestError(`$expand of ${name} is not supported`);
      const groups = new Map<string, Record<string, unknown>[]>();
      for (const r of related) {
        const k = keyOf(r);
        groups.set(k, [...(groups.get(k) ?? []), this.entity(rel.target, r)]);
      }
      rows.forEach((r, i) => {
        const list = groups.get(String(r[`k_${rel.sourceKey}`])) ?? [];
        out[i]![name] = rel.single ? (list[0] ?? null) : list;
        delete out[i]![`${name}@iot.navigationLink`];
        out[i]![`${name}@iot.navigationLink`] = `${out[i]!['@iot.selfLink'] as string}/${name}`;
      });
    }
    return out;
  }

  /** GET of a resource path; `nextLink` builds the URL of the following page. */
  async get(path: StaPath, query: RawQuery, nextLink: (skip: number) => string): Promise<unknown> {
    const opts = parseOptions(query, path.set);
    if (path.single) {
      const rows = await this.rows(path.set, path, { filter: opts.filter, orderby: [], limit: 1 });
      if (!rows.length) throw new NotFoundError('NotFound', `no such ${path.set.replace(/s$|ies$/, '')} entity`);
      return (await this.expand(path.set, rows, opts.expand))[0];
    }
    if (path.parent) {
      const exists = await this.rows(path.parent.set, { set: path.parent.set, id: path.parent.id, single: true }, { filter: [], orderby: [], limit: 1 });
      if (!exists.length) throw new NotFoundError('NotFound', `no ${path.parent.set}(${path.parent.id})`);
    }
    const rows = await this.rows(path.set, path, { filter: opts.filter, orderby: opts.orderby, limit: opts.top + 1, offset: opts.skip });
    const more = rows.length > opts.top;
    const page = rows.slice(0, opts.top);
    const doc: Record<string, unknown> = {};
    if (opts.count) doc['@iot.count'] = await this.count(path.set, path, opts.filter);
    doc['value'] = await this.expand(path.set, page, opts.expand);
    if (more) doc['@iot.nextLink'] = nextLink(opts.skip + opts.top);
    return doc;
  }
}
