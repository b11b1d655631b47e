/**
 * Demo accounts for the embedded sample platform (`npm start` without DATABASE_URL): one per
 * role, so classification and desensitisation can be tried at once. Created only while there
 * is no user at all; the password is random, shown once and kept in `<data dir>/demo-users.txt`
 * (mode 0600) — never a fixed password that could survive into a real deployment.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPool } from '../../map-server/src/db.ts';
import { createUser, type UserRole } from '../../map-server/src/services/users.ts';

const DEMO: readonly { username: string; displayName: string; role: UserRole; department: string | null }[] = [
  { username: 'admin', displayName: '平台管理员', role: 'admin', department: null },
  { username: 'zj_staff', displayName: '住建局管线科', role: 'staff', department: 'tz-zj' },
  { username: 'zj_editor', displayName: '住建局编辑', role: 'editor', department: 'tz-zj' },
  { username: 'sl_staff', displayName: '水利局', role: 'staff', department: 'tz-sl' },
];

/** Creates the demo accounts when the platform has no user yet; returns the file listing them, or undefined. */
export async function ensureDemoUsers(databaseUrl: string, dataDir: string): Promise<string | undefined> {
  const pool = createPool({ databaseUrl, poolMax: 1, statementTimeoutMs: 30_000 });
  try {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.users');
    if (rows[0]!.n > 0) return undefined;
    const password = `Demo-${randomBytes(9).toString('base64url')}`;
    for (const u of DEMO) await createUser(pool, { ...u, password });
    const file = join(dataDir, 'demo-users.txt');
    const lines = DEMO.map((u) => `${u.username}\t${u.role}\t${u.department ?? '-'}\t${u.displayName}`);
    await writeFile(file, [`# demo accounts (password for all: ${password})`, ...lines, ''].join('\n'), { mode: 0o600 });
    return file;
  } finally {
    await pool.end();
  }
}
