import { z } from 'zod';
import { AlertList, AlertSettingsInput, AlertSettingsView, OperatorHealth } from '../alerts.js';
import { JournalPage, JournalQuery } from '../journal.js';
import { defineRoute, ok } from './route.js';

/**
 * The operator's routes (admins only, under /api/v1 like the widget's): the request journal, the
 * alerts banner, where alerts go, and the account's health. One entry per route, as in
 * widget-routes.ts; the server serves them in server/src/http/routes/{journal,operator}.ts.
 */
export const operatorRoutes = {
  journal: defineRoute({
    method: 'get',
    path: '/api/v1/journal',
    summary: 'The request journal of the account (admins only): last hours, errors only, by deal',
    access: 'admin',
    request: { query: JournalQuery },
    responses: ok(JournalPage, 'Newest first'),
    errors: [],
  }),
  journalCsv: defineRoute({
    method: 'get',
    path: '/api/v1/journal.csv',
    summary: 'Every row the filter matches as CSV, newest first, streamed (admins only; at most 200 000)',
    access: 'admin',
    request: { query: JournalQuery.omit({ limit: true, before: true }) },
    responses: { 200: { description: 'text/csv', schema: z.string(), contentType: 'text/csv' } },
    errors: [],
  }),
  alerts: defineRoute({
    method: 'get',
    path: '/api/v1/alerts',
    summary: 'Open alerts and those resolved in the last 24 h (admins only: the banner)',
    access: 'admin',
    responses: ok(AlertList, 'Alerts'),
    errors: [],
  }),
  alertSettings: defineRoute({
    method: 'get',
    path: '/api/v1/alerts/settings',
    summary: 'Where alerts go (admins only); the webhook secret shows only as set / not set',
    access: 'admin',
    responses: ok(AlertSettingsView, 'Alert settings'),
    errors: [],
  }),
  saveAlertSettings: defineRoute({
    method: 'put',
    path: '/api/v1/alerts/settings',
    summary: 'Change where alerts go (admins only); a PUT changes exactly the fields it names',
    access: 'admin',
    request: { body: AlertSettingsInput },
    responses: ok(AlertSettingsView, 'Saved'),
    errors: [],
  }),
  operatorHealth: defineRoute({
    method: 'get',
    path: '/api/v1/operator/health',
    summary: "The account's health: amoCRM, ERP, webhooks, guard today, last alerts (admins only)",
    access: 'admin',
    responses: ok(OperatorHealth, 'Health'),
    errors: [],
  }),
} as const;

export type OperatorRoutes = typeof operatorRoutes;
