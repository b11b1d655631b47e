export * from './seed-plan.ts';
export * from './seeder.ts';
export { formatProgress } from './progress-bar.ts';
export { parseSeedArgs, runSeed, SeedUsageError, type SeedArgs } from './cli.ts';
