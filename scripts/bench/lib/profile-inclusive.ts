import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A named question about the stacks: which share of busy time has a frame matching `frame` on it. */
export interface StackProbe {
  name: string;
  /** Tested against `functionName url:line` of every frame of a sample's stack. */
  frame: RegExp;
}

/** The compiled server is one bundle: its linked source map names the file each frame came from. */
const maps = new Map<string, SourceMap | undefined>();
function original(url: string, line: number, column: number): { url: string; line: number } {
  if (!url.startsWith('file://') || !url.endsWith('.js')) return { url, line };
  if (!maps.has(url)) {
    const file = `${fileURLToPath(url)}.map`;
    maps.set(url, existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8'))) : undefined);
  }
  const entry = maps.get(url)?.findEntry(line, column) as { originalSource?: string; originalLine?: number };
  return entry?.originalSource ? { url: entry.originalSource, line: entry.originalLine ?? 0 } : { url, line };
}

function frameText(n: ProfileNode) {
  const at = original(n.callFrame.url, n.callFrame.lineNumber, n.callFrame.columnNumber ?? 0);
  const where = at.url.replace(/^.*?\/(server|tests|shared|scripts|node_modules)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${where}:${at.line + 1}`;
}

/**
 * Inclusive time: self time hides who calls the expensive code (the WASM engine's time is its own,
 * whichever route asked for it), so for every sample the whole stack is walked and each probe that
 * matches any frame on it is charged once. Also the top functions by inclusive time.
 */
export function inclusiveProfile(file: string, probes: readonly StackProbe[], top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const texts = new Map(profile.nodes.map((n) => [n.id, frameText(n)]));
  const stackOf = new Map<number, number[]>();
  const stack = (id: number): number[] => {
    let s = stackOf.get(id);
    if (s) return s;
    s = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) s.push(at);
    stackOf.set(id, s);
    return s;
  };
  let busy = 0;
  const probeUs = new Map<string, number>(probes.map((p) => [p.name, 0]));
  const fnUs = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    const fn = node.callFrame.functionName;
    if (fn === '(idle)' || fn === '(program)') return;
    busy += us;
    const frames = stack(id).map((f) => texts.get(f) as string);
    for (const p of probes)
      if (frames.some((f) => p.frame.test(f))) probeUs.set(p.name, (probeUs.get(p.name) ?? 0) + us);
    for (const f of new Set(frames)) fnUs.set(f, (fnUs.get(f) ?? 0) + us);
  });
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
  /** Who calls frames matching `re`: the caller frames just above the first match, by time. */
  const callers = (re: RegExp, depth = 1) => {
    const by = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      const frames = stack(id).map((f) => texts.get(f) as string);
      const at = frames.findLastIndex((f) => re.test(f));
      if (at < 0) return;
      const key = frames.slice(at + 1, at + 1 + depth).join(' < ');
      by.set(key, (by.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    return [...by.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([k, us]) => `${pct(us).padStart(6)}  ${k}`);
  };
  return {
    busyMs: busy / 1000,
    probes: probes.map((p) => ({
      name: p.name,
      ms: (probeUs.get(p.name) ?? 0) / 1000,
      share: pct(probeUs.get(p.name) ?? 0),
    })),
    functions: [...fnUs.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([f, us]) => ({ frame: f, ms: us / 1000, share: pct(us) })),
    callers,
  };
}

/** The ack path's parts and what runs beside it, as probes over the server's stacks. */
export const ACK_PROBES: StackProbe[] = [
  { name: 'webhook route (all of it)', frame: /routes\/webhooks\.ts/ },
  { name: 'body parse (qs + zod)', frame: /parseAmoWebhook/ },
  { name: 'qs.parse', frame: /node_modules\/.*qs\/lib\/parse/ },
  { name: 'dedupe key', frame: /eventDedupeKey/ },
  { name: 'hook key lookup', frame: /findByHookKey/ },
  { name: 'inbox group commit', frame: /group-commit\.ts|db\/batcher\.ts/ },
  { name: 'clean-input middleware', frame: /middleware\/clean-input/ },
  { name: 'body-limit middleware', frame: /middleware\/body-limits|hono\/dist\/middleware\/body-limit/ },
  { name: 'request journal middleware', frame: /exchange-journal|operator\/journal|journal\/writer/ },
  { name: 'metrics (prom-client)', frame: /prom-client/ },
  { name: 'hono routing/compose', frame: /hono\/dist\/(hono-base|compose|router)/ },
  { name: '@hono/node-server', frame: /@hono\/node-server/ },
  { name: 'pg driver', frame: /node_modules\/(.*\/)?pg(-protocol|-pool)?\/(lib|dist)|node_modules\/pg\// },
  { name: 'PGlite', frame: /@electric-sql\/pglite/ },
  { name: 'drizzle', frame: /drizzle-orm/ },
  { name: 'pg-boss', frame: /pg-boss/ },
  { name: 'queue hand-off (enqueueEvents)', frame: /enqueueEvents|enqueueNow/ },
  { name: 'event job (batchHandler)', frame: /platform-jobs\.ts/ },
  { name: 'guard', frame: /server\/src\/guard\// },
  { name: 'amoCRM emulator', frame: /tests\/emulators\// },
  { name: 'amoCRM client', frame: /server\/src\/amocrm\/(client|access|api)/ },
  { name: 'GC', frame: /^\(garbage collector\)/ },
];

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx scripts/bench/lib/profile-inclusive.ts <file.cpuprofile>');
    process.exit(2);
  }
  const r = inclusiveProfile(file, ACK_PROBES, Number(process.argv[3] ?? 25));
  console.log(`busy ${r.busyMs.toFixed(0)} ms`);
  for (const p of r.probes)
    console.log(`${p.share.padStart(6)}  ${p.ms.toFixed(0).padStart(7)} ms  ${p.name}`);
  console.log('\ntop frames by inclusive time:');
  for (const f of r.functions) console.log(`${f.share.padStart(6)}  ${f.frame}`);
  // CALLERS=<regex>[,depth]: who calls the matching frames (outermost match).
  if (process.env.CALLERS) {
    const [re, depth] = process.env.CALLERS.split(',');
    console.log(`\ncallers of /${re}/:`);
    for (const line of r.callers(new RegExp(re as string), Number(depth ?? 1))) console.log(line);
  }
}
