/**
 * HTTP load with Debian's wrk, not autocannon: on a 2-core machine that also runs the server
 * and PostgreSQL, a C event loop on one thread takes a fraction of the CPU a Node load
 * generator would, and §5's baseline was measured with wrk 4.1.0 the same way (1 thread,
 * N keep-alive connections, no Accept-Encoding, cycling through the zoom's tiles).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failed, type LoadResult } from './load-result.ts';
import { runCommand } from './proc.ts';

const SCRIPT = fileURLToPath(new URL('./wrk/cycle.lua', import.meta.url));

interface WrkSummary {
  requests: number;
  duration_us: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50_us: number;
  p99_us: number;
}

export async function runWrk(baseUrl: string, paths: readonly string[], clients: number, durationS: number, workDir: string, label: string): Promise<LoadResult> {
  mkdirSync(workDir, { recursive: true });
  const pathsFile = resolve(join(workDir, `${label}.paths`));
  writeFileSync(pathsFile, `${paths.join('\n')}\n`);
  const seconds = Math.max(1, Math.round(durationS));
  const r = await runCommand(
    'wrk',
    ['-t1', `-c${clients}`, `-d${seconds}s`, '--timeout', '30s', '-s', SCRIPT, baseUrl],
    { timeoutMs: (seconds + 60) * 1000, env: { ...process.env, BENCH_PATHS: pathsFile } },
  );
  const line = /BENCHJSON (\{.*\})/.exec(r.stdout)?.[1];
  if (!line) return failed(`wrk exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const s = JSON.parse(line) as WrkSummary;
  const errors = s.connect + s.read + s.write + s.status + s.timeout;
  return {
    count: s.requests,
    tilesPerS: s.requests / (s.duration_us / 1e6),
    p50Ms: s.p50_us / 1000,
    p99Ms: s.p99_us / 1000,
    errors,
  };
}
