import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Document, DocumentPosition, EmulatorState } from '../state.js';
import { moscowTime } from '../wire.js';

const MetaRef = z.object({ meta: z.object({ href: z.string(), type: z.string().optional() }) });

/**
 * The body of POST /entity/customerorder and /entity/invoiceout: what both take, with the fields
 * only one of them reads (`own`, e.g. an invoice's moment; `ownPosition`, e.g. an order line's
 * reserve) in the documented order.
 */
export function documentBody<O extends z.ZodRawShape, P extends z.ZodRawShape>(own: O, ownPosition: P) {
  return z.object({
    name: z.string().optional(),
    externalCode: z.string().max(255).optional(),
    description: z.string().optional(),
    ...own,
    organization: MetaRef,
    agent: MetaRef,
    positions: z
      .array(
        z.object({
          assortment: MetaRef,
          quantity: z.number().positive(),
          price: z.number().nonnegative().optional(),
          ...ownPosition,
        }),
      )
      .default([]),
  });
}

export interface NewDocument {
  name: string;
  /** Default: now (customer orders always take now, whatever the request sent). */
  moment?: string;
  externalCode?: string;
  description?: string;
  agentId: string;
  positions: DocumentPosition[];
}

/**
 * A document as POST /entity/customerorder or /entity/invoiceout stores it: a new id, created
 * and updated now (Moscow time), the sum of its positions, a generated externalCode when the
 * request sent none, and the account's organization
 * (https://dev.moysklad.ru/doc/api/remap/1.2/documents/#dokumenty-schet-pokupatelu).
 */
export function newDocument(state: EmulatorState, type: Document['type'], init: NewDocument): Document {
  const now = moscowTime(new Date());
  return {
    id: randomUUID(),
    type,
    name: init.name,
    moment: init.moment ?? now,
    created: now,
    updated: now,
    sum: init.positions.reduce((s, p) => s + Math.round(p.price * p.quantity), 0),
    externalCode: init.externalCode ?? randomUUID(),
    agentId: init.agentId,
    organizationId: state.organization.id,
    ...(init.description ? { description: init.description } : {}),
    positions: init.positions,
  };
}
