import type { RestContext } from './context.js';
import type { Vars } from './template.js';

export const uniq = (values: readonly string[]) => [...new Set(values.filter((v) => v !== ''))];

export const round = (n: number) => Math.round(n * 1e6) / 1e6 || 0;

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function mapLimit<T, R>(list: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      out[i] = await fn(list[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  return out;
}

/** Batched ({skus}, split by batchSize) or one request per SKU ({sku}), a few at a time. */
export async function fetchBySku<T>(
  ctx: RestContext,
  block: { batch: boolean; batchSize: number },
  skus: string[],
  extraVars: (skus: string[]) => Vars,
  request: (vars: Vars) => Promise<T[]>,
): Promise<T[]> {
  const groups = block.batch ? chunks(skus, block.batchSize) : skus.map((s) => [s]);
  const results = await mapLimit(groups, ctx.concurrency, (group) =>
    request({ skus: group, ...(block.batch ? {} : { sku: group[0] }), ...extraVars(group) }),
  );
  return results.flat();
}
