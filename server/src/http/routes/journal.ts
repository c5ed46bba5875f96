import { journalCsv, journalCsvName, operatorRoutes } from '@erp-bridge/shared';
import { OpenAPIHono } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import { type AuthVariables, requireAdmin } from '../../amocrm/disposable-token/index.js';
import type { JournalStore } from '../../journal/store.js';
import { openApiRoute } from '../contract-route.js';

/** Rows read per statement while the CSV streams. */
const CSV_PAGE = 2000;
/** The most rows one CSV carries (14 days of a busy account); the filters narrow it. */
export const CSV_MAX_ROWS = 200_000;

export function journalRoutes(deps: { store: JournalStore; dropped(): number; flush(): Promise<void> }) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>();
  app.use(operatorRoutes.journal.path, requireAdmin());
  app.use(operatorRoutes.journalCsv.path, requireAdmin());
  return app
    .openapi(openApiRoute(operatorRoutes.journal), async (c) => {
      const q = c.req.valid('query');
      await deps.flush(); // what this process saw a moment ago is listed too
      const entries = await deps.store.list(c.get('auth').accountId, q);
      const last = entries.at(-1);
      return c.json(
        { entries, next: entries.length === q.limit && last ? last.id : null, dropped: deps.dropped() },
        200,
      );
    })
    .openapi(openApiRoute(operatorRoutes.journalCsv), async (c) => {
      const filter = c.req.valid('query');
      const accountId = c.get('auth').accountId;
      await deps.flush();
      // Every row the filter matches, page by page (newest first, as on screen), so a long
      // journal is neither held in memory whole nor cut at the page the settings page shows.
      const now = new Date();
      c.header('content-type', 'text/csv; charset=utf-8');
      c.header('content-disposition', `attachment; filename="${journalCsvName(now)}"`);
      return stream(c, async (out) => {
        let before: number | undefined;
        for (let sent = 0; sent < CSV_MAX_ROWS; ) {
          const limit = Math.min(CSV_PAGE, CSV_MAX_ROWS - sent);
          const page = await deps.store.list(accountId, { ...filter, before, limit }, now);
          // The header line once, on the first page (an empty journal is a header alone).
          const text = journalCsv(page);
          await out.write(sent === 0 ? text : text.slice(text.indexOf('\r\n') + 2));
          sent += page.length;
          const last = page.at(-1);
          if (page.length < limit || !last || out.aborted) break;
          before = last.id;
        }
      });
    });
}
