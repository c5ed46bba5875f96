import { describe, expect, it } from 'vitest';
import en from '../i18n/en.json' with { type: 'json' };
import ru from '../i18n/ru.json' with { type: 'json' };
import { toMessages } from '../i18n.js';
import { type FailureMessages, failureText } from './common.js';

const t = toMessages<FailureMessages>(ru.panel);
const tEn = toMessages<FailureMessages>(en.panel);

describe('failureText words failures by problem code, never with the server’s English', () => {
  it('says the service is not answering when the backend did not answer', () => {
    expect(failureText({ kind: 'network', status: 0 }, t)).toBe('Сервис ERP Bridge не отвечает.');
    expect(failureText({ kind: 'timeout', status: 0 }, tEn)).toBe(
      'The ERP Bridge service did not answer in time.',
    );
  });

  it('maps code families to sentences', () => {
    const http = (code: string) =>
      failureText(
        {
          kind: 'http',
          status: 502,
          code: code as never,
          title: 'The ERP is unavailable',
          detail: 'HTTP 503 (code 1000)',
        },
        t,
      );
    expect(http('erp.unavailable')).toBe(ru.panel.err_erp);
    expect(http('erp.timeout')).toBe(ru.panel.err_erp);
    expect(http('erp.auth_failed')).toBe(ru.panel.err_erp_auth);
    expect(http('auth.expired_token')).toBe(ru.panel.err_auth);
    expect(http('auth.forbidden')).toBe(ru.panel.err_forbidden);
    expect(http('amocrm.lead_not_found')).toBe(ru.panel.err_not_found);
    expect(http('amocrm.unavailable')).toBe(ru.panel.err_amocrm);
    expect(http('request.rate_limited')).toBe(ru.panel.err_rate);
    // Unknown codes: a general sentence, still not the server's text.
    expect(http('internal')).toBe(ru.panel.error_status);
    for (const code of ['erp.unavailable', 'internal', 'auth.invalid_token'])
      expect(http(code)).not.toMatch(/HTTP|code|ERP is/);
  });
});

describe('codes worded by their own sentence (issue 13)', () => {
  const http = (code: string, section: FailureMessages) =>
    failureText({ kind: 'http', status: 409, code: code as never, detail: 'x' }, section);
  it('words guard.disabled, idempotency.key_reused and the customer-creation codes in every language', async () => {
    const langs = {
      ru,
      en,
      es: (await import('../i18n/es.json', { with: { type: 'json' } })).default,
      pt: (await import('../i18n/pt.json', { with: { type: 'json' } })).default,
    };
    for (const [lang, file] of Object.entries(langs)) {
      const panel = toMessages<FailureMessages>(file.panel);
      const customer = toMessages<FailureMessages>(file.customer);
      expect(http('guard.disabled', panel), lang).toBe(file.panel.err_guard_disabled);
      expect(http('idempotency.key_reused', panel), lang).toBe(file.panel.err_idempotency_key_reused);
      expect(http('erp.customer_rejected', customer), lang).toBe(file.customer.err_erp_customer_rejected);
      expect(http('customer.name_required', customer), lang).toBe(file.customer.err_customer_name_required);
      expect(http('erp.not_supported', customer), lang).toBe(file.customer.err_erp_not_supported);
    }
    // A section without its own sentence falls back to the family's.
    expect(http('erp.customer_rejected', t)).toBe(ru.panel.err_erp);
  });
});
