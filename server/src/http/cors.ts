import { AUTH_TOKEN_HEADER } from '@erp-bridge/shared';
import { cors } from 'hono/cors';

/** amoCRM and Kommo account origins: https://<subdomain>.amocrm.ru | amocrm.com | kommo.com */
const ACCOUNT_ORIGIN = /^https:\/\/[a-z0-9][a-z0-9-]{0,62}\.(amocrm\.ru|amocrm\.com|kommo\.com)$/;

export function isAllowedOrigin(origin: string, extra: readonly string[]): boolean {
  return ACCOUNT_ORIGIN.test(origin) || extra.includes(origin);
}

/** CORS for the widget API: only account origins (plus the sandbox's in demo mode) may call it. */
export function widgetCors(extraOrigins: readonly string[]) {
  return cors({
    origin: (origin) => (origin && isAllowedOrigin(origin, extraOrigins) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'OPTIONS'],
    allowHeaders: [AUTH_TOKEN_HEADER, 'Content-Type', 'Idempotency-Key'],
    maxAge: 600,
  });
}
