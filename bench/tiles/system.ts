/**
 * Debian tools the benchmark drives: pgbench (comes with PostgreSQL), wrk, MapServer 8's
 * FastCGI binary and lighttpd. Installed with apt only when missing, so a fresh machine needs
 * nothing but `npm run bench:tiles`.
 */
import { existsSync } from 'node:fs';
import { hasCommand, runCommand } from './proc.ts';

export const MAPSERV_BIN = '/usr/lib/cgi-bin/mapserv';

interface Need {
  readonly present: () => boolean;
  readonly packages: readonly string[];
}

export async function ensureSystemTools(wantMapServer: boolean): Promise<void> {
  const needs: Need[] = [
    { present: () => hasCommand('pgbench'), packages: ['postgresql-client'] },
    { present: () => hasCommand('wrk'), packages: ['wrk'] },
  ];
  if (wantMapServer) {
    needs.push({ present: () => existsSync(MAPSERV_BIN), packages: ['cgi-mapserver', 'mapserver-bin'] });
    needs.push({ present: () => hasCommand('lighttpd'), packages: ['lighttpd'] });
  }
  const missing = needs.filter((n) => !n.present()).flatMap((n) => n.packages);
  if (!missing.length) return;
  if (process.getuid?.() !== 0) throw new Error(`missing system packages: ${missing.join(' ')} (install them with apt-get as root)`);
  console.log(`[bench] installing ${missing.join(' ')} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = await runCommand('apt-get', ['install', '-y', '-qq', ...missing], { timeoutMs: 600_000, env });
  if (r.status !== 0) {
    // A fresh machine has no package lists yet.
    await runCommand('apt-get', ['update', '-qq'], { timeoutMs: 600_000, env });
    r = await runCommand('apt-get', ['install', '-y', '-qq', ...missing], { timeoutMs: 600_000, env });
  }
  if (r.status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed:\n${r.stderr.slice(-2000)}`);
  const still = needs.filter((n) => !n.present()).flatMap((n) => n.packages);
  if (still.length) throw new Error(`still missing after apt-get: ${still.join(' ')}`);
}
