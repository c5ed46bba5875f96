import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a package, our source tree, node internals, or the engine. */
function bucketOf(url: string, fn: string): string {
  if (!url) return fn === '(garbage collector)' ? 'GC' : fn === '(idle)' ? 'idle' : fn || '(engine)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:')) return 'node core';
  const ours =
    /\/work\/[^/]+\/[^/]+\/((?:server|tests|shared|scripts)\/src\/[^/]+|(?:server|tests|shared|scripts)\/[^/]+)/.exec(
      url,
    );
  return ours ? (ours[1] as string) : url;
}

/** Self time by bucket and by function of the main thread's .cpuprofile in `dir`, as shares of busy time. */
export function summariseProfile(dir: string, top = 8) {
  // The main thread's profile is the big one (tsx's loader thread writes a small second one).
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ f, size: statSync(join(dir, f)).size }))
    .sort((a, b) => b.size - a.size)[0]?.f;
  if (!file) return undefined;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const buckets = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const bucket = bucketOf(url, functionName);
    if (bucket === 'idle' || functionName === '(program)') continue;
    busy += us;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
    const fname = `${functionName || '(anonymous)'} ${bucket}:${lineNumber + 1}`;
    fns.set(fname, (fns.get(fname) ?? 0) + us);
  }
  const share = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${k} ${((100 * us) / busy).toFixed(0)}%`);
  return { busyMs: busy / 1000, buckets: share(buckets), functions: share(fns) };
}
