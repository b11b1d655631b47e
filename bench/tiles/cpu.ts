/**
 * CPU time per process tree from /proc, sampled around each cell: shows where a tile's time
 * goes (HTTP server vs PostgreSQL vs the load generator) on a machine where they all share
 * two cores. Exited children are included through their parent's cutime/cstime (the
 * postmaster waits for its backends; this process waits for wrk and pgbench).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim() || 100);

interface Stat {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  readonly ticks: number;
}

function readStat(pid: number | 'self'): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses; fields resume after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid: pid === 'self' ? process.pid : pid, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return undefined; // exited between listing and reading
  }
}

function allStats(): Stat[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => readStat(Number(d)) ?? []);
}

/** CPU milliseconds used so far by the process trees rooted at the given pids. */
export function cpuMsOfTrees(roots: readonly number[], stats: readonly Stat[] = allStats()): number {
  const children = new Map<number, Stat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid);
    if (list) list.push(s);
    else children.set(s.ppid, [s]);
  }
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  let ticks = 0;
  const stack = roots.flatMap((r) => byPid.get(r) ?? []);
  const seen = new Set<number>();
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s.pid)) continue;
    seen.add(s.pid);
    ticks += s.ticks;
    stack.push(...(children.get(s.pid) ?? []));
  }
  return ticks * TICK_MS;
}

export type CpuGroups = Readonly<Record<string, readonly number[]>>;

/** Busy CPU milliseconds of the whole machine, all cores (from /proc/stat). */
function machineBusyMs(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return (user + nice + system + irq + softirq + steal) * TICK_MS;
}

/**
 * One snapshot of every group's CPU milliseconds, plus `loadgen` (this process's exited
 * children: wrk, pgbench) and `foreign`: machine busy time not spent by this process, its
 * children or the benchmark cluster (`ours` roots) — other sessions' work disturbing the cell.
 */
export function cpuSnapshot(groups: CpuGroups, ours: readonly number[]): Record<string, number> {
  const stats = allStats();
  const out: Record<string, number> = {};
  for (const [name, roots] of Object.entries(groups)) out[name] = cpuMsOfTrees(roots, stats);
  const self = readStat('self');
  const selfOwn = readSelfOwnTicks();
  out['loadgen'] = self ? (self.ticks - selfOwn) * TICK_MS : NaN;
  out['foreign'] = machineBusyMs() - cpuMsOfTrees([process.pid, ...ours], stats);
  return out;
}

/**
 * Waits (bounded) until the given process trees are idle: requests a load generator left in
 * flight at the end of a cell (wrk stops without waiting for them) must not run into the next.
 */
export async function waitQuiet(roots: readonly number[], maxMs = 10_000, windowMs = 200, idleShare = 0.05): Promise<number> {
  const start = Date.now();
  let prev = cpuMsOfTrees(roots);
  while (Date.now() - start < maxMs) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = cpuMsOfTrees(roots);
    if (now - prev <= windowMs * idleShare) break;
    prev = now;
  }
  return Date.now() - start;
}

/** utime + stime of this process alone (so `loadgen` is only the waited-for children). */
function readSelfOwnTicks(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

export function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(after)) out[k] = after[k]! - (before[k] ?? 0);
  return out;
}
