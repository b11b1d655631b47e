/** `onemap token create|revoke`: API tokens for editors (stored hashed; shown once). */
import { createPool } from '../../map-server/src/db.ts';
import { createApiToken, revokeApiToken, type Role } from '../../map-server/src/services/auth-tokens.ts';

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
      const role = (opt('--role') ?? 'editor') as Role;
      const days = Number(opt('--days') ?? 90);
      if (!name || !['editor', 'admin'].includes(role) || !Number.isInteger(days) || days < 1 || days > 3650) {
        console.error('usage: onemap token create --name NAME [--role editor|admin] [--days 1..3650]');
        return 2;
      }
      console.log(await createApiToken(pool, name, role, days));
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
