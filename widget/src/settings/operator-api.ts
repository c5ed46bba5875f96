import type { RouteAnswer, RouteBody } from '@erp-bridge/shared';
import { type AuthorizedAjax, createRouteCall, shaped } from '../api-client.js';
import type { SettingsMessages } from '../i18n.js';

/** The answer of an operator route, typed by the route table (shared/src/contract/operator-routes.ts). */
type Answer<K extends 'journal' | 'journalCsv' | 'alerts' | 'operatorHealth' | 'alertSettings'> = Promise<
  RouteAnswer<K>
>;

/** The journal's filters as the settings page sets them. */
export interface JournalFilter {
  hours: number;
  errors: boolean;
  leadId?: number;
}

/** The operator's calls (admins only): journal, alerts, alert settings, health. */
export interface OperatorApi {
  journal(query: JournalFilter): Answer<'journal'>;
  /** Every row the filter matches, as the server's CSV (not only the page on screen). */
  journalCsv(query: JournalFilter): Answer<'journalCsv'>;
  alerts(): Answer<'alerts'>;
  health(): Answer<'operatorHealth'>;
  alertSettings(): Answer<'alertSettings'>;
  saveAlertSettings(input: RouteBody<'saveAlertSettings'>): Answer<'alertSettings'>;
}

const alertSettingsView = shaped<RouteAnswer<'alertSettings'>>('webhookSecret');

const filterQuery = (q: JournalFilter) => ({
  hours: String(q.hours),
  errors: q.errors ? '1' : '0',
  ...(q.leadId ? { leadId: String(q.leadId) } : {}),
});

export function createOperatorApi(backend: string, ajax: AuthorizedAjax): OperatorApi {
  const call = createRouteCall(backend, ajax);
  return {
    journal: (q) =>
      call('GET', '/api/v1/journal', shaped('entries'), { query: { ...filterQuery(q), limit: '200' } }),
    journalCsv: (q) =>
      call('GET', '/api/v1/journal.csv', (data): data is string => typeof data === 'string', {
        query: filterQuery(q),
        dataType: 'text',
      }),
    alerts: () => call('GET', '/api/v1/alerts', shaped('open')),
    health: () => call('GET', '/api/v1/operator/health', shaped('amocrm')),
    alertSettings: () => call('GET', '/api/v1/alerts/settings', alertSettingsView),
    saveAlertSettings: (body) => call('PUT', '/api/v1/alerts/settings', alertSettingsView, { body }),
  };
}

/** What every operator view of the settings page gets: the client, the words, the user's locale. */
export type OperatorProps = { api: OperatorApi; t: SettingsMessages; locale: string };
