import type { EntityFieldValue } from '../entities.js';
import { COMPANY_FIELDS, CONTACT_FIELDS } from '../seed.js';
import type { EmulatorState, Lead } from '../state.js';
import { SANDBOX_TEXTS, type SandboxLang } from './texts.js';
import { WIDGET_CODE, WIDGET_PATH } from './widget-files.js';

export const SANDBOX_CLIENT_UUID = 'sandbox-client';

export type SandboxEntity = 'leads' | 'contacts' | 'companies';

/** The card a bare ?entity=contacts / ?entity=companies opens. */
export const DEFAULT_CARD: Partial<Record<SandboxEntity, number>> = { contacts: 2001, companies: 3001 };

/** Everything host.js needs, embedded in the page as JSON (the browser never sees the secret). */
export interface SandboxConfig {
  /** A card page, or the widget's advanced settings page. */
  page: 'card' | 'settings';
  /** The open card's entity and id (AMOCRM.data.current_entity / current_card.id). */
  entity: SandboxEntity;
  cardId: number;
  /** The open deal's id on a lead card, else 0. */
  leadId: number;
  lang: SandboxLang;
  /** The host theme, and how the page marks a dark one (attribute, class or both: UNCONFIRMED which amoCRM uses). */
  theme: 'light' | 'dark';
  themeMarker: 'attr' | 'class' | 'both';
  backendUrl: string;
  widget: { code: string; path: string; clientUuid: string };
  account: { id: number; subdomain: string; name: string; currency: string };
  user: { id: number; name: string; email: string; isAdmin: boolean };
  users: { id: number; name: string; email: string }[];
  pipeline: { id: number; name: string; statuses: { id: number; name: string; color: string }[] } | null;
  leads: SandboxLead[];
  contacts: SandboxContact[];
  companies: SandboxCompany[];
  texts: (typeof SANDBOX_TEXTS)[SandboxLang];
}

export interface SandboxLead
  extends Pick<Lead, 'id' | 'name' | 'price' | 'statusId' | 'pipelineId' | 'responsibleUserId'> {
  contact: { name: string; company: string } | null;
  products: { elementId: number; name: string; sku: string | null; quantity: number; price: number | null }[];
}

export interface SandboxContact {
  id: number;
  name: string;
  company: string;
  phone: string | null;
  email: string | null;
}

export interface SandboxCompany {
  id: number;
  name: string;
  phone: string | null;
  inn: string | null;
}

/** First value of a card's custom field. */
function fieldValue(values: EntityFieldValue[], fieldId: number): string | null {
  const value = values.find((v) => v.field_id === fieldId)?.values[0]?.value;
  return value === undefined || value === null ? null : String(value);
}

export function buildSandboxConfig(
  state: EmulatorState,
  input: {
    page: SandboxConfig['page'];
    entity: SandboxEntity;
    cardId: number;
    lang: SandboxLang;
    theme?: 'light' | 'dark';
    themeMarker?: 'attr' | 'class' | 'both';
    isAdmin: boolean;
    backendUrl: string;
  },
): SandboxConfig {
  const manager = [...state.users.values()].find((u) => !u.isAdmin) ?? [...state.users.values()][0];
  const pipeline = [...state.pipelines.values()][0];
  return {
    page: input.page,
    entity: input.entity,
    cardId: input.cardId,
    leadId: input.entity === 'leads' ? input.cardId : 0,
    lang: input.lang,
    theme: input.theme ?? 'light',
    themeMarker: input.themeMarker ?? 'both',
    backendUrl: input.backendUrl,
    widget: { code: WIDGET_CODE, path: WIDGET_PATH, clientUuid: SANDBOX_CLIENT_UUID },
    account: {
      id: state.account.id,
      subdomain: state.account.subdomain,
      name: state.account.name,
      currency: state.account.currency,
    },
    user: {
      id: manager?.id ?? 0,
      name: manager?.name ?? '',
      email: manager?.email ?? '',
      isAdmin: input.isAdmin,
    },
    users: [...state.users.values()].map((u) => ({ id: u.id, name: u.name, email: u.email })),
    pipeline: pipeline
      ? {
          id: pipeline.id,
          name: pipeline.name,
          statuses: pipeline.statuses.map((s) => ({ id: s.id, name: s.name, color: s.color })),
        }
      : null,
    leads: [...state.leads.values()].map((l) => sandboxLead(state, l)),
    contacts: [...state.contacts.values()].map((c) => ({
      id: c.id,
      name: c.name,
      company: c.company,
      phone: fieldValue(c.customFieldsValues, CONTACT_FIELDS.phone.id),
      email: fieldValue(c.customFieldsValues, CONTACT_FIELDS.email.id),
    })),
    companies: [...state.companies.values()].map((c) => ({
      id: c.id,
      name: c.name,
      phone: fieldValue(c.customFieldsValues, COMPANY_FIELDS.phone.id),
      inn: fieldValue(c.customFieldsValues, COMPANY_FIELDS.inn.id),
    })),
    texts: SANDBOX_TEXTS[input.lang],
  };
}

function sandboxLead(state: EmulatorState, lead: Lead): SandboxLead {
  const contact = lead.contactIds[0] === undefined ? undefined : state.contacts.get(lead.contactIds[0]);
  return {
    id: lead.id,
    name: lead.name,
    price: lead.price,
    statusId: lead.statusId,
    pipelineId: lead.pipelineId,
    responsibleUserId: lead.responsibleUserId,
    contact: contact ? { name: contact.name, company: contact.company } : null,
    products: lead.products.map((p) => {
      const el = state.elements.get(p.elementId);
      const field = (id: number) => el?.customFieldsValues.find((v) => v.field_id === id)?.values[0]?.value;
      const fields = state.catalogFields.get(p.catalogId) ?? [];
      const sku = field(fields.find((f) => f.code === 'SKU')?.id ?? -1);
      const price = field(fields.find((f) => f.code === 'PRICE')?.id ?? -1);
      return {
        elementId: p.elementId,
        name: el?.name ?? `#${p.elementId}`,
        sku: typeof sku === 'string' ? sku : null,
        quantity: p.quantity,
        price: typeof price === 'number' ? price : null,
      };
    }),
  };
}
