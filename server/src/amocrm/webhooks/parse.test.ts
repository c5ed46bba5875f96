import { describe, expect, it } from 'vitest';
import { parseAmoWebhook, WebhookParseError } from './parse.js';

describe('amoCRM webhook parsing', () => {
  it('reads several entities and actions from one form-encoded body', () => {
    const body = [
      'leads[status][0][id]=123',
      'leads[status][0][status_id]=142',
      'leads[status][0][old_status_id]=20',
      'leads[status][0][pipeline_id]=5',
      'leads[status][0][old_pipeline_id]=5',
      'leads[status][0][last_modified]=1763900000',
      'leads[update][0][id]=124',
      'leads[update][0][name]=%D0%A1%D0%B4%D0%B5%D0%BB%D0%BA%D0%B0+%E2%84%961',
      'leads[update][0][tags][0][id]=7',
      'leads[update][0][tags][0][name]=VIP+client',
      'leads[update][0][custom_fields][0][id]=55',
      'leads[update][0][custom_fields][0][values][0][value]=yes',
      'contacts[add][0][id]=900',
      'account[id]=31000001',
      'account[subdomain]=shop',
    ].join('&');
    const parsed = parseAmoWebhook(body);
    expect(parsed.accountId).toBe(31000001);
    expect(parsed.subdomain).toBe('shop');
    expect(parsed.events.map((e) => `${e.entity}.${e.action}.${e.record.id}`)).toEqual([
      'leads.status.123',
      'leads.update.124',
      'contacts.add.900',
    ]);
    const status = parsed.events[0]?.record;
    expect(status).toMatchObject({ status_id: 142, old_status_id: 20, pipeline_id: 5, old_pipeline_id: 5 });
    const update = parsed.events[1]?.record;
    expect(update?.name).toBe('Сделка №1');
    expect(update?.tags).toEqual([{ id: 7, name: 'VIP client' }]);
    expect(update?.custom_fields?.[0]).toMatchObject({ id: 55, values: [{ value: 'yes' }] });
  });

  it('gives a re-delivered event the same dedupe key and a new change a new one', () => {
    const a = parseAmoWebhook('leads[update][0][id]=1&leads[update][0][last_modified]=100&account[id]=9');
    const b = parseAmoWebhook('leads[update][0][id]=1&leads[update][0][last_modified]=100&account[id]=9');
    const c = parseAmoWebhook('leads[update][0][id]=1&leads[update][0][last_modified]=101&account[id]=9');
    expect(a.events[0]?.dedupeKey).toBe(b.events[0]?.dedupeKey);
    expect(a.events[0]?.dedupeKey).not.toBe(c.events[0]?.dedupeKey);
    // Two different changes within one second (a move and the guard's move back) are two events.
    const move = parseAmoWebhook(
      'leads[status][0][id]=1&leads[status][0][status_id]=3&leads[status][0][old_status_id]=2&leads[status][0][last_modified]=100&account[id]=9',
    );
    const back = parseAmoWebhook(
      'leads[status][0][id]=1&leads[status][0][status_id]=2&leads[status][0][old_status_id]=3&leads[status][0][last_modified]=100&account[id]=9',
    );
    expect(move.events[0]?.dedupeKey).not.toBe(back.events[0]?.dedupeKey);
  });

  it('reads more than 20 records of one action (qs would turn them into an object)', () => {
    const parts = Array.from({ length: 30 }, (_, i) => `leads[update][${i}][id]=${i + 1}`);
    expect(parseAmoWebhook(`${parts.join('&')}&account[id]=1`).events).toHaveLength(30);
  });

  it('refuses a body without an account or with a record without an id', () => {
    expect(() => parseAmoWebhook('leads[update][0][id]=1')).toThrow(WebhookParseError);
    expect(() => parseAmoWebhook('leads[update][0][name]=x&account[id]=1')).toThrow(WebhookParseError);
    expect(() => parseAmoWebhook('garbage')).toThrow(WebhookParseError);
    expect(() => parseAmoWebhook('leads[update][0][id]=abc&account[id]=1')).toThrow(WebhookParseError);
  });

  it.each([
    ['0', '0'],
    ['-1', '-1'],
    ['empty', ''],
    ['hex', '0x1A'],
    ['huge', '99999999999999999999'],
    ['decimal', '1.5'],
    ['exponent', '1e3'],
    ['padded', '+7'],
  ])('rejects an event whose id is impossible (%s) and keeps the others of its body', (_name, id) => {
    const body = `leads[update][0][id]=${encodeURIComponent(id)}&leads[update][1][id]=77&leads[add][0][id]=78&account[id]=9`;
    const parsed = parseAmoWebhook(body);
    expect(parsed.events.map((e) => e.record.id)).toEqual([77, 78]);
    expect(parsed.rejected).toEqual([{ path: 'leads[update][0]', reason: expect.stringContaining('id') }]);
    // Alone in its body, it leaves nothing to store: the body is refused.
    expect(() => parseAmoWebhook(`leads[update][0][id]=${encodeURIComponent(id)}&account[id]=9`)).toThrow(
      WebhookParseError,
    );
  });

  it('refuses an impossible account id', () => {
    for (const id of ['0', '-1', '', '0x10', '99999999999999999999'])
      expect(() => parseAmoWebhook(`leads[update][0][id]=1&account[id]=${id}`)).toThrow(WebhookParseError);
  });
});
