import type { StackInfo } from './stack-info.js';
import { disposableTokenSigner } from './tokens.js';

/** Disposable tokens for a stack target's account, as its amoCRM account would sign them. */
export function stackTokenSigner(info: StackInfo) {
  return disposableTokenSigner(info.secret, {
    iss: `https://${info.subdomain}.amocrm.ru`,
    aud: info.backend,
    account_id: info.accountId,
  });
}
