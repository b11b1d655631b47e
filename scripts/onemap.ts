/**
 * The `onemap` command line (`npm run onemap -- …`):
 *   onemap tiles seed <layer> --zoom 8-14 [--bbox w,s,e,n] [--server URL] [--concurrency N] [--restart]
 *   onemap token create --name NAME [--role editor|admin] [--days N]   (prints a new API token once)
 *   onemap token revoke TOKEN
 *   onemap sample [--if-empty] [--seed N] [--scale X]      (geodata CLI)
 * Environment: PORT / PUBLIC_BASE_URL give the default server; ONEMAP_DATA_DIR the state folder.
 */
import { parseSeedArgs, runSeed, SeedUsageError } from '@onemap/tiles';

const [group, command, ...rest] = process.argv.slice(2);
if (group === 'tiles' && command === 'seed') {
  const env = process.env;
  const server = env['PUBLIC_BASE_URL'] ?? `http://127.0.0.1:${env['PORT'] ?? 8080}`;
  try {
    const args = parseSeedArgs(rest, { server, stateDir: `${env['ONEMAP_DATA_DIR'] ?? '.data'}/seed` });
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const state = await runSeed(args, { write: (s) => process.stderr.write(s), signal: controller.signal });
    process.exit(state.finished ? 0 : 130);
  } catch (err) {
    console.error(err instanceof SeedUsageError ? err.message : err);
    process.exit(err instanceof SeedUsageError ? 2 : 1);
  }
} else if (group === 'token') {
  const { runTokenCommand } = await import('./lib/token-cli.ts');
  process.exit(await runTokenCommand(command, rest, process.env['DATABASE_URL']));
} else {
  await import('../geodata/src/cli.ts');
}
