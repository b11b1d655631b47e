/** `onemap token create|revoke`: API tokens for API clients (stored hashed; shown once), standing alone or on behalf of a user. */
import { createPool } from '../../map-server/src/db.ts';
import { createApiToken, revokeApiToken, type TokenRole } from '../../map-server/src/services/auth-tokens.ts';

export async function runTokenCommand(command: string | undefined, args: readonly string[], databaseUrl: string | undefined): Promise<number> {
  if (!databaseUrl) {
    console.error('DATABASE_URL is required (the embedded cluster: postgres://postgres@127.0.0.1:54329/onemap)');
    return 2;
  }
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const pool = createPool({ databaseUrl, poolMax: 1, statementTimeoutMs: 10_000 });
  try {
    if (command === 'create') {
      const name = opt('--name');
      const role = (opt('--role') ?? 'editor') as TokenRole;
      const days = Number(opt('--days') ?? 90);
      const user = opt('--user');
      const department = opt('--department');
      if (!name || !['staff', 'editor', 'admin'].includes(role) || !Number.isInteger(days) || days < 1 || days > 3650) {
        console.error('usage: onemap token create --name NAME [--role staff|editor|admin] [--department CODE | --user USERNAME] [--days 1..3650]');
        return 2;
      }
      let userId: number | undefined;
      if (user) {
        const { rows } = await pool.query<{ id: number }>(`SELECT id FROM auth.users WHERE username = $1 AND disabled_at IS NULL`, [user]);
        if (!rows[0]) {
          console.error(`no active user ${user}`);
          return 1;
        }
        userId = rows[0].id;
      }
      console.log(await createApiToken(pool, name, role, days, { ...(userId !== undefined ? { userId } : {}), ...(department ? { department } : {}) }));
      return 0;
    }
    if (command === 'revoke' && args[0]) {
      const ok = await revokeApiToken(pool, args[0]);
      console.error(ok ? 'revoked' : 'no such active token');
      return ok ? 0 : 1;
    }
    console.error('usage: onemap token create --name NAME [--role editor|admin] [--days N] | onemap token revoke TOKEN');
    return 2;
  } finally {
    await pool.end();
  }
}
