import { DEMO_ACCOUNT } from '@erp-bridge/emulator-amocrm';
import { TEST_SECRET } from './stack.js';
import { signDisposableToken } from './tokens.js';

/** Who the widget speaks for: the demo account's manager unless told otherwise. */
export interface WidgetUser {
  /** The integration's client secret the token is signed with (default: the test stack's). */
  secret?: string;
  accountId?: number;
  subdomain?: string;
  /** Left out: signDisposableToken's default user. */
  userId?: number;
  /** Left out: not an admin. */
  isAdmin?: boolean;
}

/** A disposable token for `backend`, as amoCRM hands one to the widget in the manager's browser. */
export function widgetToken(backend: string, user: WidgetUser = {}): Promise<string> {
  return signDisposableToken(user.secret ?? TEST_SECRET, {
    iss: `https://${user.subdomain ?? DEMO_ACCOUNT.subdomain}.amocrm.ru`,
    aud: backend,
    account_id: user.accountId ?? DEMO_ACCOUNT.id,
    ...(user.userId !== undefined && { user_id: user.userId }),
    ...(user.isAdmin !== undefined && { is_admin: user.isAdmin }),
  });
}

export interface WidgetRequest {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, labelled JSON (for bodies that are not valid JSON). */
  rawBody?: string;
  /** The Idempotency-Key header. */
  key?: string;
  user?: WidgetUser;
  /** More request headers (after the token, content type and key). */
  headers?: Record<string, string>;
}

/** One widget API call with a fresh disposable token, as the widget's client makes it. */
export async function widgetCall(
  backend: string,
  method: string,
  path: string,
  opts: WidgetRequest = {},
): Promise<Response> {
  const token = await widgetToken(backend, opts.user);
  return fetch(`${backend}${path}`, {
    method,
    headers: {
      'X-Auth-Token': token,
      ...((opts.body !== undefined || opts.rawBody !== undefined) && { 'content-type': 'application/json' }),
      ...(opts.key && { 'Idempotency-Key': opts.key }),
      ...opts.headers,
    },
    body: opts.body === undefined ? opts.rawBody : JSON.stringify(opts.body),
  });
}
