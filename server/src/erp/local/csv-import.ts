import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/open.js';
import { localStock } from '../../db/schema.js';

/** Decimal with either '.' or ',' as separator ("12,5" is common in Russian exports). */
const decimal = z
  .string()
  .trim()
  .transform((s) => s.replace(/\s/g, '').replace(',', '.'))
  .pipe(z.string().regex(/^-?\d+(\.\d+)?$/, 'is not a number'))
  .transform(Number);

const CsvRow = z.object({
  sku: z.string().trim().min(1, 'is empty'),
  name: z.string().trim().min(1, 'is empty'),
  warehouse_id: z.string().trim().min(1, 'is empty'),
  warehouse_name: z.string().trim().optional(),
  stock: decimal.pipe(z.number().nonnegative('must not be negative')),
  reserve: z
    .union([z.literal('').transform(() => 0), decimal.pipe(z.number().nonnegative('must not be negative'))])
    .default(0),
  price: z.union([z.literal('').transform(() => null), decimal]).optional(),
  currency: z
    .string()
    .trim()
    .transform((s) => s.toUpperCase() || 'RUB')
    .pipe(z.string().length(3, 'must be a 3-letter code'))
    .default('RUB'),
});

export interface RejectedRow {
  /** 1-based line number in the file, header being line 1. */
  line: number;
  reason: string;
}

export interface ImportSummary {
  imported: number;
  rejected: RejectedRow[];
  skus: number;
  warehouses: number;
}

export const REQUIRED_COLUMNS = ['sku', 'name', 'warehouse_id', 'stock'] as const;

/**
 * Imports stock from CSV (header: sku,name,warehouse_id,warehouse_name,stock,reserve,price,currency).
 * Valid rows are upserted in one transaction; invalid rows are reported and change nothing.
 */
export async function importStockCsv(
  db: Db,
  csv: string,
  opts: { storeId?: string; onProgress?: (done: number, total: number) => void } = {},
): Promise<ImportSummary> {
  const records: Record<string, string>[] = parse(csv, {
    columns: true,
    skip_empty_lines: true,
    bom: true,
    trim: true,
    relax_column_count: true,
  });
  const header = Object.keys(records[0] ?? {});
  const missing = REQUIRED_COLUMNS.filter((c) => records.length > 0 && !header.includes(c));
  if (missing.length) throw new Error(`CSV lacks required column(s): ${missing.join(', ')}`);

  const rejected: RejectedRow[] = [];
  const valid: (typeof localStock.$inferInsert)[] = [];
  const seen = new Set<string>();
  records.forEach((record, i) => {
    const line = i + 2;
    const parsed = CsvRow.safeParse(record);
    if (!parsed.success) {
      rejected.push({
        line,
        reason: parsed.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; '),
      });
      return;
    }
    const r = parsed.data;
    const key = `${r.sku}\u0000${r.warehouse_id}`;
    if (seen.has(key)) {
      rejected.push({ line, reason: `duplicate of an earlier row for ${r.sku} in ${r.warehouse_id}` });
      return;
    }
    if (r.reserve > r.stock) {
      rejected.push({ line, reason: `reserve ${r.reserve} exceeds stock ${r.stock}` });
      return;
    }
    seen.add(key);
    valid.push({
      storeId: opts.storeId ?? 'default',
      sku: r.sku,
      name: r.name,
      warehouseId: r.warehouse_id,
      warehouseName: r.warehouse_name || r.warehouse_id,
      stock: r.stock,
      reserve: r.reserve,
      price: r.price ?? null,
      currency: r.currency,
    });
  });

  const BATCH = 500;
  await db.transaction(async (tx) => {
    for (let i = 0; i < valid.length; i += BATCH) {
      await tx
        .insert(localStock)
        .values(valid.slice(i, i + BATCH))
        .onConflictDoUpdate({
          target: [localStock.storeId, localStock.sku, localStock.warehouseId],
          set: {
            name: sql`excluded.name`,
            warehouseName: sql`excluded.warehouse_name`,
            stock: sql`excluded.stock`,
            reserve: sql`excluded.reserve`,
            price: sql`excluded.price`,
            currency: sql`excluded.currency`,
            updatedAt: sql`now()`,
          },
        });
      opts.onProgress?.(Math.min(i + BATCH, valid.length), valid.length);
    }
  });

  return {
    imported: valid.length,
    rejected,
    skus: new Set(valid.map((v) => v.sku)).size,
    warehouses: new Set(valid.map((v) => v.warehouseId)).size,
  };
}
