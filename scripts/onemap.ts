/**
 * The `onemap` command line (`npm run onemap -- …`):
 *   onemap tiles seed <layer> --zoom 8-14 [--bbox w,s,e,n] [--server URL] [--concurrency N] [--restart]
 *   onemap token create --name NAME [--role editor|admin] [--days N]   (prints a new API token once)
 *   onemap token revoke TOKEN
 *   onemap user create NAME --role staff|editor|admin [--department CODE] | passwd NAME | disable NAME | list
 *   onemap pipes export-survey --district ADCODE --out DIR [--crs EPSG:4549|EPSG:4550]   (管线探测成果表 CSV + XLSX)
 *   onemap sample [--if-empty] [--seed N] [--scale X]      (geodata CLI)
 *   onemap import <file> --layer ID [--crs EPSG:4549] [--coords gcj02|bd09] [--map prop:field,…] [--dry-run] [--strict]   (progress bar; one transaction)
 *   onemap imagery add <file.tif> --collection ID [--datetime ISO] [--id ID] [--cloud-cover PCT]
 *   onemap imagery sample [--if-empty] [--small]             (generate and register the sample imagery)
 * Environment: PORT / PUBLIC_BASE_URL give the default server; ONEMAP_DATA_DIR the state folder.
 */
import { parseSeedArgs, runSeed, SeedUsageError } from '@onemap/tiles';

const [group, command, ...rest] = process.argv.slice(2);
if (group === 'tiles' && command === 'seed') {
  const env = process.env;
  const server = env['PUBLIC_BASE_URL'] ?? `http://127.0.0.1:${env['PORT'] ?? 8080}`;
  try {
    const args = parseSeedArgs(rest, { server, stateDir: `${env['ONEMAP_DATA_DIR'] ?? '.data'}/seed`, ...(env['ONEMAP_TOKEN'] ? { token: env['ONEMAP_TOKEN'] } : {}) });
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const state = await runSeed(args, { write: (s) => process.stderr.write(s), signal: controller.signal });
    process.exit(state.finished ? 0 : 130);
  } catch (err) {
    console.error(err instanceof SeedUsageError ? err.message : err);
    process.exit(err instanceof SeedUsageError ? 2 : 1);
  }
} else if (group === 'user') {
  const { runUserCommand } = await import('./lib/user-cli.ts');
  process.exit(await runUserCommand(command, rest, process.env['DATABASE_URL']));
} else if (group === 'import') {
  const { runImportCommand } = await import('./lib/import-cli.ts');
  process.exit(await runImportCommand([command ?? '', ...rest].filter((a) => a !== ''), process.env['DATABASE_URL']));
} else if (group === 'token') {
  const { runTokenCommand } = await import('./lib/token-cli.ts');
  process.exit(await runTokenCommand(command, rest, process.env['DATABASE_URL']));
} else if (group === 'pipes') {
  const { runPipesCommand } = await import('./lib/pipes-cli.ts');
  process.exit(await runPipesCommand(command, rest, process.env['DATABASE_URL']));
} else if (group === 'imagery') {
  const { runImageryCommand } = await import('./lib/imagery-cli.ts');
  process.exit(await runImageryCommand(command, rest, process.env));
} else {
  await import('../geodata/src/cli.ts');
}
