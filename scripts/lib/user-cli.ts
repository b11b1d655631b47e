/**
 * `onemap user create|passwd|disable|list`: user accounts (issue 10). Passwords are read from
 * the ONEMAP_PASSWORD environment variable or, on a terminal, typed without echo — never from
 * the command line, where `ps` and shell history would keep them.
 */
import { createInterface } from 'node:readline';
import { createPool } from '../../map-server/src/db.ts';
import { AppError } from '../../map-server/src/errors.ts';
import { createUser, disableUser, setPassword, type UserRole } from '../../map-server/src/services/users.ts';

const USAGE = [
  'usage: onemap user create NAME --role staff|editor|admin [--department CODE] [--display-name 张三]',
  '       onemap user passwd NAME',
  '       onemap user disable NAME',
  '       onemap user list',
  'The password comes from ONEMAP_PASSWORD or is typed at the prompt.',
].join('\n');

async function readPassword(prompt: string): Promise<string> {
  const fromEnv = process.env['ONEMAP_PASSWORD'];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new Error('no terminal to type the password on: set ONEMAP_PASSWORD');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // Mute the echo of what is typed after the prompt.
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  let muted = false;
  out._writeToOutput = (s: string) => {
    if (!muted) process.stderr.write(s);
  };
  const answer = await new Promise<string>((resolve) => {
    rl.question(prompt, resolve);
    muted = true;
  });
  rl.close();
  process.stderr.write('\n');
  return answer;
}

export async function runUserCommand(command: string | undefined, args: readonly string[], databaseUrl: string | undefined): Promise<number> {
  if (!databaseUrl) {
    console.error('DATABASE_URL is required (the embedded cluster: postgres://postgres@127.0.0.1:54329/onemap)');
    return 2;
  }
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const name = args[0] && !args[0].startsWith('--') ? args[0] : undefined;
  const pool = createPool({ databaseUrl, poolMax: 1, statementTimeoutMs: 30_000 });
  try {
    if (command === 'create' && name) {
      const role = opt('--role') as UserRole | undefined;
      if (!role || !['staff', 'editor', 'admin'].includes(role)) {
        console.error(USAGE);
        return 2;
      }
      const password = await readPassword(`${name} 的密码 / password: `);
      const u = await createUser(pool, { username: name, displayName: opt('--display-name') ?? name, role, department: opt('--department') ?? null, password });
      console.error(`created user ${u.username} (${u.role}${u.department ? `, ${u.department}` : ''})`);
      return 0;
    }
    if (command === 'passwd' && name) {
      const ok = await setPassword(pool, name, await readPassword(`${name} 的新密码 / new password: `));
      console.error(ok ? 'password changed; open sessions ended' : `no user ${name}`);
      return ok ? 0 : 1;
    }
    if (command === 'disable' && name) {
      const ok = await disableUser(pool, name);
      console.error(ok ? `disabled ${name}; sessions and API tokens revoked` : `no active user ${name}`);
      return ok ? 0 : 1;
    }
    if (command === 'list') {
      const { rows } = await pool.query<{ username: string; role: string; department_code: string | null; disabled: boolean }>(
        `SELECT username, role, department_code, disabled_at IS NOT NULL AS disabled FROM auth.users ORDER BY username`,
      );
      for (const r of rows) console.log(`${r.username}\t${r.role}\t${r.department_code ?? '-'}${r.disabled ? '\tdisabled' : ''}`);
      return 0;
    }
    console.error(USAGE);
    return 2;
  } catch (err) {
    if (err instanceof AppError || (err instanceof Error && /terminal|duplicate key/.test(err.message))) {
      console.error(err.message);
      return 1;
    }
    throw err;
  } finally {
    await pool.end();
  }
}
