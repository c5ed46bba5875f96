import { encodeAmoWebhookBody, type StartedAmoEmulator } from '@erp-bridge/emulator-amocrm';

export interface SeededLead {
  id: number;
  name: string;
  /** Left out: demo deal 1002's stage and pipeline. */
  statusId?: number;
  pipelineId?: number;
  /** The deal's products: `[elementId, quantity]` pairs from the products catalog (7001). */
  products: [elementId: number, quantity: number][];
  /** The products' price field (default: the demo deal's). */
  priceId?: number | null;
}

/**
 * Puts a deal straight into the amoCRM emulator's state, as if created earlier: no API call, no
 * hook. Shaped like demo deal 1002 (responsible user, price), with no contact, company, tag or
 * custom field, created and updated now.
 */
export function seedLead(state: StartedAmoEmulator['state'], lead: SeededLead): void {
  const template = state.leads.get(1002);
  if (!template) throw new Error('emulator lead 1002 missing');
  const now = Math.floor(Date.now() / 1000);
  const priceId = lead.priceId === undefined ? (template.products[0]?.priceId ?? null) : lead.priceId;
  state.leads.set(lead.id, {
    ...template,
    id: lead.id,
    name: lead.name,
    statusId: lead.statusId ?? template.statusId,
    pipelineId: lead.pipelineId ?? template.pipelineId,
    createdAt: now,
    updatedAt: now,
    contactIds: [],
    companyId: null,
    tags: [],
    customFieldsValues: [],
    products: lead.products.map(([elementId, quantity]) => ({
      elementId,
      catalogId: 7001,
      quantity,
      priceId,
    })),
  });
}

type EmulatedLead = NonNullable<ReturnType<StartedAmoEmulator['state']['leads']['get']>>;

/**
 * The body amoCRM posts (form-encoded) when `lead` was added: one leads[add] record with the
 * deal's stage, responsible user and times, for the account it belongs to.
 */
export function leadAddedHookBody(lead: EmulatedLead, account: { id: number; subdomain: string }): string {
  return encodeAmoWebhookBody(
    [
      {
        entity: 'leads',
        action: 'add',
        record: {
          id: lead.id,
          name: lead.name,
          status_id: lead.statusId,
          pipeline_id: lead.pipelineId,
          responsible_user_id: lead.responsibleUserId,
          last_modified: lead.updatedAt,
          modified_user_id: lead.responsibleUserId,
          created_user_id: lead.responsibleUserId,
          date_create: lead.createdAt,
          account_id: account.id,
        },
      },
    ],
    account,
  );
}
