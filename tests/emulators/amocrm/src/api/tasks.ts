import { Hono } from 'hono';
import { z } from 'zod';
import { nowSeconds, type Task } from '../entities.js';
import { readBody } from '../http/body.js';
import { bracketList, timeRange } from '../http/query.js';
import { apiBase, hal, validationProblem } from '../http/responses.js';
import type { EmulatorState } from '../state.js';
import { listPage, pageQuery } from './pagination.js';
import { batch, Id } from './schemas.js';

const TaskItem = z.object({
  text: z.string().min(1),
  complete_till: z.number().int().positive(),
  entity_id: Id.optional(),
  entity_type: z.enum(['leads', 'contacts', 'companies', 'customers']).optional(),
  responsible_user_id: Id.optional(),
  task_type_id: z.number().int().positive().optional(),
  duration: z.number().int().nonnegative().optional(),
  created_by: z.number().int().nonnegative().optional(),
  request_id: z.string().optional(),
});

function serialize(base: string, state: EmulatorState, t: Task) {
  return {
    id: t.id,
    created_by: t.createdBy,
    updated_by: t.createdBy,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    responsible_user_id: t.responsibleUserId,
    group_id: 0,
    entity_id: t.entityId,
    entity_type: t.entityType,
    duration: t.duration,
    is_completed: t.isCompleted,
    task_type_id: t.taskTypeId,
    text: t.text,
    result: [],
    complete_till: t.completeTill,
    account_id: state.account.id,
    _links: { self: { href: `${base}/tasks/${t.id}` } },
  };
}

/**
 * POST /tasks, GET /tasks (filter[entity_id][], filter[entity_type], filter[is_completed],
 * filter[updated_at] as a timestamp or [from]/[to]: amoCRM API v4 "Задачи",
 * https://www.amocrm.ru/developers/content/crm_platform/tasks-api, tasks list).
 */
export function taskRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.post('/tasks', async (c) => {
    const body = await readBody(c, batch(TaskItem));
    if (!body.ok) return body.response;
    const issues = body.value.flatMap((t, i) => {
      if (t.entity_id !== undefined && t.entity_type === undefined)
        return [
          { requestId: String(i), path: 'entity_type', detail: 'entity_type is required with entity_id' },
        ];
      if (t.entity_type === 'leads' && t.entity_id !== undefined && !state.leads.has(t.entity_id))
        return [{ requestId: String(i), path: 'entity_id', detail: 'Lead not found', code: 'NotFound' }];
      if (t.responsible_user_id !== undefined && !state.users.has(t.responsible_user_id))
        return [{ requestId: String(i), path: 'responsible_user_id', detail: 'User not found' }];
      return [];
    });
    if (issues.length > 0) return validationProblem(c, issues);
    const base = apiBase(c);
    const now = nowSeconds();
    const tasks = body.value.map((t, i) => {
      const task: Task = {
        id: state.nextId('task'),
        text: t.text,
        completeTill: t.complete_till,
        entityId: t.entity_id ?? null,
        entityType: t.entity_type ?? null,
        responsibleUserId: t.responsible_user_id ?? state.apiUserId,
        taskTypeId: t.task_type_id ?? 1,
        duration: t.duration ?? 0,
        isCompleted: false,
        createdBy: t.created_by ?? state.apiUserId,
        createdAt: now,
        updatedAt: now,
      };
      state.tasks.set(task.id, task);
      return {
        id: task.id,
        request_id: t.request_id ?? String(i),
        _links: { self: { href: `${base}/tasks/${task.id}` } },
      };
    });
    return hal(c, { _links: { self: { href: `${base}/tasks` } }, _embedded: { tasks } });
  });

  app.get('/tasks', (c) => {
    const page = pageQuery(c);
    if (page instanceof Response) return page;
    const raw = bracketList(c.req.url, 'filter[entity_id]');
    const ids = raw === undefined ? undefined : new Set(raw.map(Number));
    const types = bracketList(c.req.url, 'filter[entity_type]');
    const completed = c.req.query('filter[is_completed]');
    const updated = timeRange(c.req.url, 'filter[updated_at]');
    const all = [...state.tasks.values()].filter(
      (t) =>
        (!ids || (t.entityId !== null && ids.has(t.entityId))) &&
        (!types || (t.entityType !== null && types.includes(t.entityType))) &&
        (completed === undefined || t.isCompleted === (completed === '1' || completed === 'true')) &&
        (!updated || updated(t.updatedAt)),
    );
    return listPage(c, all, page, 'tasks', (t) => serialize(apiBase(c), state, t));
  });

  return app;
}
