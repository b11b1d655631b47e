/**
 * geodata command line: `tsx geodata/src/cli.ts sample [--if-empty] [--seed N] [--scale X]`
 * generates the Taizhou sample and loads it into DATABASE_URL (replacing the `base` tables),
 * printing row counts and timings per table. The environment is read here and nowhere else.
 */
import pg from 'pg';
import { generateSample, DEFAULT_SEED } from './sample/index.ts';
import { loadPlanningSample, loadSample, sampleIsLoaded } from './load/index.ts';

const DATABASE_URL = process.env['DATABASE_URL'];

const USAGE = 'usage: onemap sample [--if-empty] [--seed N] [--scale X]   (DATABASE_URL must be set)';

class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface SampleArgs {
  readonly ifEmpty: boolean;
  readonly seed: number;
  readonly scale: number;
}

function parseSampleArgs(args: readonly string[]): SampleArgs {
  let ifEmpty = false;
  let seed = DEFAULT_SEED;
  let scale = 1;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--if-empty') ifEmpty = true;
    else if (arg === '--seed') {
      seed = Number(value());
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError('--seed must be an integer in [0, 4294967295]');
    } else if (arg === '--scale') {
      scale = Number(value());
      if (!(scale > 0 && scale <= 10)) throw new UsageError('--scale must be a number in (0, 10]');
    } else throw new UsageError(`unknown argument: ${arg}`);
  }
  return { ifEmpty, seed, scale };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function runSample(args: SampleArgs, databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    if (args.ifEmpty && (await sampleIsLoaded(client))) {
      console.log('sample: base.districts already has rows; nothing to do (--if-empty)');
      return;
    }
    const t0 = performance.now();
    const dataset = generateSample({ seed: args.seed, scale: args.scale });
    const generateMs = performance.now() - t0;
    console.log(`sample: generated seed=${args.seed} scale=${args.scale} in ${seconds(generateMs)}`);
    const report = await loadSample(client, dataset);
    const width = Math.max(...report.tables.map((t) => t.table.length));
    for (const t of report.tables) console.log(`  ${t.table.padEnd(width)}  ${String(t.rows).padStart(8)} rows  ${seconds(t.ms).padStart(7)}`);
    console.log(`sample: loaded in ${seconds(report.totalMs)} (COPY + index builds, sequences, ledger, ANALYZE, commit)`);
    console.log(`sample: total generate + load ${seconds(generateMs + report.totalMs)}`);
    // The planning layers are derived from the base geography just replaced (issue #9).
    const plan = await loadPlanningSample(client);
    console.log(`sample: planning layers regenerated in ${seconds(plan.totalMs)} (${plan.parcels} parcel versions)`);
  } finally {
    await client.end();
  }
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command !== 'sample') throw new UsageError(command === undefined ? 'missing command' : `unknown command: ${command}`);
  const args = parseSampleArgs(rest);
  if (!DATABASE_URL) throw new UsageError('DATABASE_URL is not set');
  await runSample(args, DATABASE_URL);
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(err);
    process.exitCode = 1;
  }
}
