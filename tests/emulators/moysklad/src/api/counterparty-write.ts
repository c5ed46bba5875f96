import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Counterparty, EmulatorState } from '../state.js';
import { apiBase, fail, json, moscowTime } from '../wire.js';
import { serializeCounterparty } from './counterparty.js';

/**
 * "Создать Контрагента" (same page): POST /entity/counterparty, only `name` required (without it
 * 412 with code 3023, "не заполнено обязательное поле", https://dev.moysklad.ru/doc/api/remap/1.2/#oshibki
 * and the 412 row of the status table); the answer is the created counterparty. externalCode is kept as sent (generated when absent)
 * and, like invoiceout's, is not unique: posting twice creates two counterparties.
 */
const CreateBody = z.object({
  name: z.string().trim().min(1).max(255),
  externalCode: z.string().max(255).optional(),
  companyType: z.enum(['legal', 'entrepreneur', 'individual']).optional(),
  inn: z.string().max(255).optional(),
  phone: z.string().max(255).optional(),
  email: z.string().max(255).optional(),
});

export function counterpartyWriteRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  app.post('/entity/counterparty', async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return fail(c, 400, 2016, 'Ошибка формата JSON');
    }
    const parsed = CreateBody.safeParse(raw);
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? 'name');
      return fail(
        c,
        412,
        3023,
        `Ошибка валидации: не заполнено обязательное поле '${field}' у объекта 'counterparty'`,
        field,
      );
    }
    const body = parsed.data;
    const cp: Counterparty = {
      id: randomUUID(),
      name: body.name,
      inn: body.inn ?? '',
      phone: body.phone ?? '',
      email: body.email ?? '',
      companyType: body.companyType ?? 'legal',
      externalCode: body.externalCode ?? randomUUID(),
      balance: 0,
      created: moscowTime(new Date()),
    };
    state.counterparties.push(cp);
    return json(c, serializeCounterparty(state, cp, apiBase(c)));
  });
  return app;
}
