/**
 * The raw limit: the tile statement run by pgbench inside PostgreSQL, no HTTP (the bytea still
 * crosses loopback TCP, like our server's). One script per zoom; each client cycles through
 * the zoom's tile list (offset by client id, as wrk's shared counter does for HTTP) so heavy
 * and light tiles are mixed in the same proportions as for the HTTP targets.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TileCoord } from '@onemap/tiles';
import { failed, type LoadResult } from './load-result.ts';
import { runCommand } from './proc.ts';
import { percentile } from './stats.ts';

/** pgbench CASE over the tile index: pgbench has no arrays, but has CASE in \set (PostgreSQL ≥ 11). */
function lookup(values: readonly number[]): string {
  return `CASE ${values.map((v, i) => `WHEN :i = ${i} THEN ${v}`).join(' ')} ELSE ${values[0]} END`;
}

/**
 * Our statement with $1..$3 turned into pgbench variables. With -M prepared pgbench prepares it
 * once per connection and binds text parameters, as node-postgres does for our named statement
 * (each `:z` occurrence becomes its own parameter; the casts in the text keep the types equal).
 */
export function pgbenchScript(sql: string, tiles: readonly TileCoord[]): string {
  const body = sql.replace(/\$([123])\b/g, (_, n: string) => [':z', ':x', ':y'][Number(n) - 1]!);
  if (/\$\d/.test(body)) throw new Error('tile SQL has parameters beyond $1..$3');
  return [
    '\\set n :n + 1',
    `\\set i (:client_id + :n) % ${tiles.length}`,
    `\\set z ${tiles[0]!.z}`,
    `\\set x ${lookup(tiles.map((t) => t.x))}`,
    `\\set y ${lookup(tiles.map((t) => t.y))}`,
    `${body};`,
    '',
  ].join('\n');
}

export interface PgbenchTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly workDir: string;
}

export async function runPgbench(target: PgbenchTarget, label: string, script: string, clients: number, durationS: number): Promise<LoadResult> {
  const dir = resolve(target.workDir, label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const scriptFile = join(dir, 'tile.sql');
  writeFileSync(scriptFile, script);
  const seconds = Math.max(1, Math.round(durationS));
  const args = [
    '-n', // no vacuum of pgbench's own tables (there are none)
    '-M', 'prepared',
    '-c', String(clients),
    '-j', String(clients),
    '-T', String(seconds),
    '-D', 'n=0',
    '-l', `--log-prefix=${join(dir, 'tx')}`,
    '-f', scriptFile,
    '-h', target.host,
    '-p', String(target.port),
    '-U', 'postgres',
    target.database,
  ];
  // A z10 transaction can take seconds at 8 clients; pgbench finishes the ones in flight.
  const r = await runCommand('pgbench', args, { timeoutMs: (seconds + 90) * 1000, cwd: dir });
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(r.stdout);
  const failedTx = Number(/number of failed transactions: (\d+)/.exec(r.stdout)?.[1] ?? 0);
  if (!tps) return failed(`pgbench exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const latencies: number[] = [];
  for (const f of readdirSync(dir).filter((n) => n.startsWith('tx.'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      // client_id transaction_no time_us script_no time_epoch time_us_part
      const us = Number(line.split(' ')[2]);
      if (line && Number.isFinite(us)) latencies.push(us / 1000);
    }
  }
  latencies.sort((a, b) => a - b);
  rmSync(dir, { recursive: true, force: true });
  return {
    count: latencies.length,
    tilesPerS: Number(tps[1]),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors: failedTx + (r.status === 0 ? 0 : 1),
  };
}
