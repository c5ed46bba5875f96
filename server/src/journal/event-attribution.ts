import type { EventHandler } from '../jobs/platform-jobs.js';
import { exchangeContext } from '../lib/exchange.js';

/** The journal attributes the calls these events cause to their account (and deal, when one). */
export const attributeEventsToJournal: EventHandler = async (inst, events) => {
  const context = exchangeContext.getStore();
  const leads = new Set(events.filter((e) => e.entity === 'leads').map((e) => e.record.id));
  if (context)
    Object.assign(context, { accountId: inst.accountId }, leads.size === 1 && { leadId: [...leads][0] });
};
