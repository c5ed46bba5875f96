import { Hono } from 'hono';
import { apiBase, hal, problem } from '../http/responses.js';
import { LOST_STATUS_ID, WON_STATUS_ID } from '../seed.js';
import type { EmulatorState, Pipeline } from '../state.js';

function serializeStatus(
  base: string,
  accountId: number,
  pipelineId: number,
  s: Pipeline['statuses'][number],
) {
  const closed = s.id === WON_STATUS_ID || s.id === LOST_STATUS_ID;
  return {
    id: s.id,
    name: s.name,
    sort: s.sort,
    is_editable: !closed,
    pipeline_id: pipelineId,
    color: s.color,
    type: 0,
    account_id: accountId,
    _links: { self: { href: `${base}/leads/pipelines/${pipelineId}/statuses/${s.id}` } },
  };
}

function serializePipeline(base: string, accountId: number, p: Pipeline, isMain: boolean) {
  return {
    id: p.id,
    name: p.name,
    sort: 1,
    is_main: isMain,
    is_unsorted_on: true,
    is_archive: false,
    account_id: accountId,
    _links: { self: { href: `${base}/leads/pipelines/${p.id}` } },
    _embedded: { statuses: p.statuses.map((s) => serializeStatus(base, accountId, p.id, s)) },
  };
}

/** GET /leads/pipelines[/:id[/statuses]]: pipelines with their statuses embedded. */
export function pipelineRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  const first = () => [...state.pipelines.keys()][0];
  const find = (id: string) => state.pipelines.get(Number(id));

  app.get('/leads/pipelines', (c) => {
    const all = [...state.pipelines.values()];
    return hal(c, {
      _total_items: all.length,
      _links: { self: { href: `${apiBase(c)}/leads/pipelines` } },
      _embedded: {
        pipelines: all.map((p) => serializePipeline(apiBase(c), state.account.id, p, p.id === first())),
      },
    });
  });

  app.get('/leads/pipelines/:id{[0-9]+}', (c) => {
    const p = find(c.req.param('id'));
    if (!p) return problem(c, 404, 'Pipeline not found');
    return hal(c, serializePipeline(apiBase(c), state.account.id, p, p.id === first()));
  });

  app.get('/leads/pipelines/:id{[0-9]+}/statuses', (c) => {
    const p = find(c.req.param('id'));
    if (!p) return problem(c, 404, 'Pipeline not found');
    return hal(c, {
      _total_items: p.statuses.length,
      _links: { self: { href: `${apiBase(c)}/leads/pipelines/${p.id}/statuses` } },
      _embedded: { statuses: p.statuses.map((s) => serializeStatus(apiBase(c), state.account.id, p.id, s)) },
    });
  });

  return app;
}
