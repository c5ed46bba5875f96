import {
  type AlertList,
  type AlertSettingsInput,
  type AlertSettingsView,
  type JournalPage,
  type OperatorHealth,
  operatorApi,
} from '@erp-bridge/shared';
import { type AuthorizedAjax, failureFromXhr } from '../api-client.js';

/** The operator's calls (admins only): journal, alerts, alert settings, health. */
export interface OperatorApi {
  journal(query: { hours: number; errors: boolean; leadId?: number }): Promise<JournalPage>;
  alerts(): Promise<AlertList>;
  health(): Promise<OperatorHealth>;
  alertSettings(): Promise<AlertSettingsView>;
  saveAlertSettings(input: AlertSettingsInput): Promise<AlertSettingsView>;
}

export function createOperatorApi(backend: string, ajax: AuthorizedAjax): OperatorApi {
  const call = <T>(method: 'GET' | 'PUT', path: string, key: string, body?: unknown) =>
    new Promise<T>((resolve, reject) =>
      ajax({
        url: backend + path,
        method,
        dataType: 'json',
        timeout: 15_000,
        ...(body !== undefined && { data: JSON.stringify(body), contentType: 'application/json' as const }),
      }).then(
        (data) =>
          typeof data === 'object' && data !== null && key in data
            ? resolve(data as T)
            : reject({ kind: 'invalid-response', status: 200 }),
        (xhr, status) => reject(failureFromXhr(xhr, status)),
      ),
    );
  return {
    journal: (q) =>
      call(
        'GET',
        `${operatorApi.journal}?hours=${q.hours}&errors=${q.errors ? 1 : 0}&limit=200${q.leadId ? `&leadId=${q.leadId}` : ''}`,
        'entries',
      ),
    alerts: () => call('GET', operatorApi.alerts, 'open'),
    health: () => call('GET', operatorApi.health, 'amocrm'),
    alertSettings: () => call('GET', operatorApi.alertSettings, 'webhookSecret'),
    saveAlertSettings: (input) => call('PUT', operatorApi.alertSettings, 'webhookSecret', input),
  };
}
