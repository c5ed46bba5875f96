import { FilterError } from './filter.js';

export interface VirtualTableParams {
  /** Moscow local time "YYYY-MM-DDTHH:mm:ss", or undefined for the latest figures. */
  period?: string;
  condition?: string;
  dimensions?: string[];
}

const PARAM_START = /\s*,\s*[\p{L}_][\p{L}\p{N}_]*\s*=/uy;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/**
 * Splits `Period=datetime'...', Condition='...', Dimensions='...'` into values.
 *
 * A string parameter ends at the quote that is followed by the next `Name=` or by the end. That
 * reads both ways clients write a Condition: OData-escaped (`guid''...''`, doubled quotes are then
 * undoubled) and raw (`guid'...'`, which 1C accepts too and most 1C examples show).
 */
export function parseVirtualTableParams(raw: string): VirtualTableParams {
  const out: VirtualTableParams = {};
  let i = 0;
  const s = raw.trim();
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new FilterError(`bad virtual table parameters: ${s}`);
    const name = s.slice(i, eq).trim();
    let j = eq + 1;
    while (s[j] === ' ') j++;
    let value: string;
    if (s.startsWith("datetime'", j)) {
      const end = s.indexOf("'", j + 9);
      if (end < 0) throw new FilterError('unterminated datetime literal');
      value = s.slice(j + 9, end);
      if (!DATETIME.test(value)) throw new FilterError(`bad datetime literal '${value}'`);
      i = end + 1;
    } else if (s[j] === "'") {
      let end = -1;
      for (let k = j + 1; k < s.length; k++) {
        if (s[k] !== "'") continue;
        if (k === s.length - 1) {
          end = k;
          break;
        }
        PARAM_START.lastIndex = k + 1;
        if (PARAM_START.test(s)) {
          end = k;
          break;
        }
      }
      if (end < 0) throw new FilterError(`unterminated string parameter ${name}`);
      value = s.slice(j + 1, end).replaceAll("''", "'");
      i = end + 1;
    } else {
      throw new FilterError(`parameter ${name} must be a literal`);
    }
    if (name === 'Period') out.period = value.length === 16 ? `${value}:00` : value;
    else if (name === 'Condition') out.condition = value;
    else if (name === 'Dimensions')
      out.dimensions = value
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean);
    else throw new FilterError(`unknown parameter ${name}`);
    while (s[i] === ' ') i++;
    if (s[i] === ',') i++;
    while (s[i] === ' ') i++;
  }
  return out;
}
