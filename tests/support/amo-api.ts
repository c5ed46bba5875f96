import type { Stack } from './stack.js';

/**
 * Another amoCRM client (a manager in the UI, a web form, an import) calling the emulator's
 * /api/v4 with the account's token: it shares the account's limit and waits out a 429 as any good
 * client does. Answers the parsed JSON; any other failure throws with the status and body.
 */
export async function amoApi(
  stack: Pick<Stack, 'emulator' | 'accessToken'>,
  path: string,
  method: string,
  body: unknown,
) {
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

/** Creates one deal through amoCRM's API (a web form, an import); its id. */
export async function createLead(
  stack: Pick<Stack, 'emulator' | 'accessToken'>,
  lead: Record<string, unknown>,
): Promise<number> {
  const created = await amoApi(stack, '/leads', 'POST', [lead]);
  return created._embedded.leads[0].id as number;
}

/** Links catalog elements to a deal as its products: `[elementId, quantity]` pairs. */
export async function linkProducts(
  stack: Pick<Stack, 'emulator' | 'accessToken'>,
  leadId: number,
  products: [elementId: number, quantity: number][],
  catalogId = 7001,
): Promise<void> {
  await amoApi(
    stack,
    `/leads/${leadId}/link`,
    'POST',
    products.map(([elementId, quantity]) => ({
      to_entity_id: elementId,
      to_entity_type: 'catalog_elements',
      metadata: { quantity, catalog_id: catalogId },
    })),
  );
}
