import type { Counterparty } from '../state.js';

/**
 * Context search over counterparties (`?search=`). Docs: dictionaries "Контрагенты"
 * (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-kontragent): "поиск не
 * префиксный и без токенизации. Ищет такие строки, в которые входит значение строки поиска" over
 * name, code, legalTitle, discountCardNumber, email, then phone, then contact persons. The
 * emulator's counterparties have name, email and phone (no contact persons); INN is not searched.
 */
export function searchMatches(cp: Counterparty, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  return [cp.name, cp.email, cp.phone].some((v) => v.toLowerCase().includes(needle));
}
