import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * A benchmark target in its own process (so the load generator does not share its event loop):
 * `node --import tsx <file>`. The child prints one JSON line `{ready: info}`, then answers
 * JSON-line commands `{id, cmd, ...}` with `{id, result}` / `{id, error}`; it exits when its
 * stdin closes.
 */
export interface Target<Info> {
  info: Info;
  pid: number;
  call<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  /** Resident set size of the child now (Linux), bytes. */
  rss(): number | undefined;
  close(): Promise<void>;
}

export async function startTarget<Info>(
  file: string,
  opts: {
    env?: Record<string, string>;
    nodeArgs?: string[];
    readyTimeoutMs?: number;
    /** Lines the child prints that are not protocol messages (V8's --trace-gc-nvp, say). */
    onOtherLine?: (line: string) => void;
  } = {},
): Promise<Target<Info>> {
  // BENCH_TARGET_NODE_ARGS: flags for the targets only (a V8 setting tried on the server, not on the sender).
  const extra = process.env.BENCH_TARGET_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, ...(opts.nodeArgs ?? []), '--import', 'tsx', file], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'silent', ...opts.env },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let readyResolve: (info: Info) => void = () => {};
  let readyReject: (e: Error) => void = () => {};
  const ready = new Promise<Info>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.once('exit', (code) => {
    const err = new Error(`${file} exited (${code}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
    readyReject(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (line) => {
    let msg: { ready?: Info; id?: number; result?: unknown; error?: string };
    try {
      msg = JSON.parse(line);
    } catch {
      opts.onOtherLine?.(line); // a stray console line (the demo banner, V8's GC trace)
      return;
    }
    if (msg.ready !== undefined) readyResolve(msg.ready);
    else if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error !== undefined) p?.reject(new Error(msg.error));
      else p?.resolve(msg.result);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.readyTimeoutMs ?? 60_000);
  let info: Info;
  try {
    info = await ready;
  } finally {
    clearTimeout(timer);
  }
  let nextId = 1;
  const pid = child.pid as number;
  return {
    info,
    pid,
    call<T>(cmd: string, args: Record<string, unknown> = {}) {
      const id = nextId++;
      return new Promise<T>((res, rej) => {
        pending.set(id, { resolve: res as (v: unknown) => void, reject: rej });
        child.stdin?.write(`${JSON.stringify({ id, cmd, ...args })}\n`);
      });
    },
    rss: () => rssOf(pid),
    async close() {
      child.stdin?.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** VmRSS of a process from /proc (Linux), bytes. */
export function rssOf(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 10 ms. */
const TICK_MS = 10;

/**
 * CPU time (user + system) a process has used so far, ms (Linux), or undefined when it cannot be
 * read (no pid, the process gone). Per request, it is the figure a shared machine disturbs least:
 * other work slows a server's answers, not the CPU each one costs. With `thread`, that one thread's.
 */
export function cpuMsOf(pid: number | undefined, thread?: number): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // /proc/<pid>/task/<pid> is the process's first thread: node's event loop.
    const stat = readFileSync(
      thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
      'utf8',
    );
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** The child side: announce, then serve commands until stdin closes, then `onClose`. */
export function serveCommands(
  info: unknown,
  handlers: Record<string, (args: Record<string, unknown>) => Promise<unknown> | unknown>,
  onClose: () => Promise<void>,
) {
  process.stdout.write(`${JSON.stringify({ ready: info })}\n`);
  const rl = createInterface({ input: process.stdin });
  rl.on('line', async (line) => {
    const { id, cmd, ...args } = JSON.parse(line) as { id: number; cmd: string };
    try {
      const handler = handlers[cmd];
      if (!handler) throw new Error(`unknown command ${cmd}`);
      process.stdout.write(`${JSON.stringify({ id, result: (await handler(args)) ?? null })}\n`);
    } catch (err) {
      process.stdout.write(`${JSON.stringify({ id, error: (err as Error).message })}\n`);
    }
  });
  rl.once('close', () => {
    onClose().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

/** Whether this module is the entry point (`tsx scripts/bench/x.ts`). */
export const isMain = (url: string) =>
  process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === url;
