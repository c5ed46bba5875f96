import { expect } from 'vitest';
import type { StartedMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { type Stack, TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';
import { until } from '../support/wait.js';

export const ACCOUNT = 31000001;
export const PIPELINE = 8001;
export const NEGOTIATION = 80012;
export const INVOICED = 80013;
export const WON = 142;
export const LOST = 143;
export const CATALOG = 7001;
export const DRILL = 500101;

/**
 * What these helpers need of a running backend: a Stack (in-process), or a backend child process
 * with its amoCRM emulator (the kill -9 tests); `secret` signs the widget's tokens.
 */
export type LoopHost = Pick<Stack, 'backend' | 'accessToken' | 'emulator'> & { secret?: string };

/** The backend's widget API with a fresh disposable token. */
export async function widget(
  stack: LoopHost,
  method: string,
  path: string,
  opts: { body?: unknown; key?: string } = {},
) {
  const token = await signDisposableToken(stack.secret ?? TEST_SECRET, {
    iss: 'https://erpbridgedemo.amocrm.ru',
    aud: stack.backend,
    account_id: ACCOUNT,
    user_id: 5,
    is_admin: true,
  });
  return fetch(`${stack.backend}${path}`, {
    method,
    headers: {
      'X-Auth-Token': token,
      ...(opts.body !== undefined && { 'content-type': 'application/json' }),
      ...(opts.key && { 'Idempotency-Key': opts.key }),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
}

/** Another amoCRM client (a manager in the UI, a form) sharing the account's limit. */
export async function amo(stack: LoopHost, path: string, method: string, body: unknown) {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(`${stack.emulator.url}/api/v4${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (r.status === 429 && attempt < 10) {
      await new Promise((done) => setTimeout(done, 1000));
      continue;
    }
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  }
}

/** A deal of ООО Ромашка (company 3001, found in the ERP by INN) with `drills` drills. */
export async function dealWithDrills(
  stack: LoopHost,
  drills: number,
  statusId = NEGOTIATION,
): Promise<number> {
  const created = await amo(stack, '/leads', 'POST', [
    {
      name: `ERP loop ${Date.now()}`,
      pipeline_id: PIPELINE,
      status_id: statusId,
      _embedded: { companies: [{ id: 3001 }] },
    },
  ]);
  const id = created._embedded.leads[0].id as number;
  await amo(stack, `/leads/${id}/link`, 'POST', [
    {
      to_entity_id: DRILL,
      to_entity_type: 'catalog_elements',
      metadata: { quantity: drills, catalog_id: CATALOG },
    },
  ]);
  return id;
}

/** Requests an invoice from the card and waits until the ERP created it; the MoySklad invoice. */
export async function invoiceFor(stack: LoopHost, moysklad: StartedMoySkladEmulator, leadId: number) {
  const list = await (await widget(stack, 'GET', `/api/v1/leads/${leadId}/invoices`)).json();
  const res = await widget(stack, 'POST', `/api/v1/leads/${leadId}/invoices`, {
    body: { confirmedTotal: list.preview.total },
    key: `loop-${leadId}`,
  });
  expect(res.status).toBe(202);
  await until(async () => {
    const now = await (await widget(stack, 'GET', `/api/v1/leads/${leadId}/invoices`)).json();
    return now.items[0]?.status === 'created';
  }, 'invoice created');
  const invoice = moysklad.state.documents.find(
    (d) => d.type === 'invoiceout' && d.externalCode.startsWith(`erpb-${ACCOUNT}-${leadId}-`),
  );
  if (!invoice) throw new Error('no invoice in MoySklad');
  return invoice;
}

export const notesOf = (stack: LoopHost, leadId: number) =>
  [...stack.emulator.state.notes.values()].filter((n) => n.entityId === leadId);

export const loopNotes = (stack: LoopHost, leadId: number, word: RegExp) =>
  notesOf(stack, leadId).filter((n) => /erp-bridge/.test(JSON.stringify(n)) && word.test(JSON.stringify(n)));

export const leadOf = (stack: LoopHost, id: number) => {
  const l = stack.emulator.state.leads.get(id);
  if (!l) throw new Error(`no lead ${id}`);
  return l;
};

export async function installation(stack: Stack) {
  const inst = await stack.server.services.installations.findActive(ACCOUNT);
  if (!inst) throw new Error('not installed');
  return inst;
}
