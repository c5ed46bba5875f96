import { JournalPage, JournalQuery, journalCsvName, operatorApi } from '@erp-bridge/shared';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { type AuthVariables, requireAdmin } from '../../amocrm/disposable-token/index.js';
import { type JournalStore, journalCsv } from '../../journal/store.js';
import { authProblems, json } from './openapi-helpers.js';

const security = [{ disposableToken: [] }];

const listRoute = createRoute({
  method: 'get',
  path: operatorApi.journal,
  summary: 'The request journal of the account (admins only): last hours, errors only, by deal',
  request: { query: JournalQuery },
  security,
  responses: { 200: json(JournalPage, 'Newest first'), ...authProblems },
});

const csvRoute = createRoute({
  method: 'get',
  path: operatorApi.journalCsv,
  summary: 'The same rows as CSV (admins only; at most 10 000)',
  request: { query: JournalQuery.omit({ limit: true, before: true }) },
  security,
  responses: {
    200: { description: 'text/csv', content: { 'text/csv': { schema: { type: 'string' } } } },
    ...authProblems,
  },
});

export function journalRoutes(deps: { store: JournalStore; dropped(): number; flush(): Promise<void> }) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>();
  app.use(operatorApi.journal, requireAdmin());
  app.use(operatorApi.journalCsv, requireAdmin());
  return app
    .openapi(listRoute, async (c) => {
      const q = c.req.valid('query');
      await deps.flush(); // what this process saw a moment ago is listed too
      const entries = await deps.store.list(c.get('auth').accountId, q);
      const last = entries.at(-1);
      return c.json(
        { entries, next: entries.length === q.limit && last ? last.id : null, dropped: deps.dropped() },
        200,
      );
    })
    .openapi(csvRoute, async (c) => {
      const q = { ...c.req.valid('query'), limit: 10_000 };
      await deps.flush();
      const entries = await deps.store.list(c.get('auth').accountId, q);
      return c.body(journalCsv(entries), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${journalCsvName(new Date())}"`,
      });
    });
}
