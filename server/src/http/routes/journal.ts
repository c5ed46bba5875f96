import { journalCsv, journalCsvName, operatorRoutes } from '@erp-bridge/shared';
import { OpenAPIHono } from '@hono/zod-openapi';
import { type AuthVariables, requireAdmin } from '../../amocrm/disposable-token/index.js';
import type { JournalStore } from '../../journal/store.js';
import { openApiRoute } from '../contract-route.js';

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
      const q = { ...c.req.valid('query'), limit: 10_000 };
      await deps.flush();
      const entries = await deps.store.list(c.get('auth').accountId, q);
      return c.body(journalCsv(entries), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${journalCsvName(new Date())}"`,
      });
    });
}
