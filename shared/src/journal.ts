import { z } from 'zod';

const flag = z.preprocess(
  (v) => (v === '1' || v === 'true' ? true : v === '0' || v === 'false' ? false : v),
  z.boolean(),
);

/** Filters of the journal list and its CSV export (query string). */
export const JournalQuery = z.object({
  /** How far back, hours (default 24, at most 14 days). */
  hours: z.coerce.number().int().min(1).max(336).default(24),
  /** Only failures: HTTP >= 400 or no answer at all. */
  errors: flag.optional().default(false),
  leadId: z.coerce.number().int().positive().optional(),
  system: z.enum(['amocrm', 'erp', 'webhook', 'dp', 'widget']).optional(),
  /** Rows older than this id (the next page). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type JournalQuery = z.infer<typeof JournalQuery>;

export const JournalEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  direction: z.enum(['out', 'in']),
  system: z.enum(['amocrm', 'erp', 'webhook', 'dp', 'widget']),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  latencyMs: z.number().int(),
  attempt: z.number().int(),
  requestId: z.string().nullable(),
  jobId: z.string().nullable(),
  widgetRequestId: z.string().nullable(),
  leadId: z.number().int().nullable(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

export const JournalPage = z.object({
  entries: z.array(JournalEntry),
  /** Pass as `before` for older rows; null on the last page. */
  next: z.number().int().nullable(),
  /** Records this process dropped since start (buffer full or a failed write). */
  dropped: z.number().int(),
});
export type JournalPage = z.infer<typeof JournalPage>;
