/**
 * Child processes of the benchmark: bounded one-shot commands and long-running services.
 * Services are started in their own process group so stopping one ends its children too
 * (lighttpd's FastCGI workers), and every service is stopped on exit, error or Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';

export interface CommandResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; killed (and reported as failed) after timeoutMs. */
export function runCommand(cmd: string, args: readonly string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ status: code ?? (signal ? 128 : 1), stdout, stderr: signal ? `${stderr}\n(killed by ${signal} after ${opts.timeoutMs} ms)` : stderr });
    });
  });
}

/** True when an executable is on PATH. */
export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  /** How the process ended ("code 0", "signal SIGTERM"), or undefined while it runs. */
  exited(): string | undefined;
  stop(): Promise<void>;
}

const running = new Set<Service>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone between the check and the kill.
  }
}

/** Starts a long-running process whose output goes to logFile. */
export function startService(name: string, cmd: string, args: readonly string[], opts: { env: NodeJS.ProcessEnv; logFile: string; cwd?: string }): Service {
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  let how: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      how = signal ? `signal ${signal}` : `code ${code}`;
      // The service's own log says when and how it ended (a stranger's kill leaves no other trace).
      if (running.has(service)) appendFileSync(opts.logFile, `\n[bench] ${name} (pid ${child.pid}) exited unexpectedly at ${new Date().toISOString()}: ${how}\n`);
      resolve();
    }),
  );
  const service: Service = {
    name,
    child,
    exited: () => how,
    async stop() {
      running.delete(service);
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      // Workers the leader spawned can outlive it (lighttpd's mapserv FastCGI processes stay
      // blocked in accept()): end whatever is left of the group. The group id cannot be reused
      // while a member lives, so this reaches only our own processes.
      killWholeGroup(child.pid);
    },
  };
  running.add(service);
  return service;
}

export async function stopAllServices(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

function killWholeGroup(pgid: number | undefined): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // No member left.
  }
}

/** Synchronous last resort for process exit paths (no awaiting possible there). */
function killAllNow(): void {
  for (const s of running) killWholeGroup(s.child.pid);
}

process.once('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n[bench] ${signal}: stopping services`);
    void stopAllServices().finally(() => process.exit(130));
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
