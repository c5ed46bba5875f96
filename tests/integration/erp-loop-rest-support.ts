import { fileURLToPath } from 'node:url';
import { loadRestMapping, type RestMapping } from '../../server/src/erp/rest/connector.js';
import {
  ERPNEXT_API_KEY,
  ERPNEXT_API_SECRET,
  type StartedErpNextEmulator,
  startErpNextEmulator,
} from '../emulators/erpnext/index.js';
import {
  ODOO_API_KEY,
  ODOO_DATABASE,
  type StartedOdooEmulator,
  startOdooEmulator,
} from '../emulators/odoo/index.js';

const example = (name: string) =>
  fileURLToPath(new URL(`../../server/src/erp/rest/examples/${name}.json`, import.meta.url));

/** An ERPNext emulator and the shipped example mapping pointed at it. */
export async function erpnextWithMapping(): Promise<{ erp: StartedErpNextEmulator; mapping: RestMapping }> {
  const erp = await startErpNextEmulator();
  const mapping = loadRestMapping(example('erpnext'), { ERPNEXT_API_KEY, ERPNEXT_API_SECRET });
  return { erp, mapping: { ...mapping, baseUrl: erp.url } };
}

/** An Odoo emulator and the shipped example mapping pointed at it. */
export async function odooWithMapping(): Promise<{ erp: StartedOdooEmulator; mapping: RestMapping }> {
  const erp = await startOdooEmulator();
  const mapping = loadRestMapping(example('odoo'), { ODOO_API_KEY, ODOO_DATABASE });
  return { erp, mapping: { ...mapping, baseUrl: erp.url } };
}
