import type { Money } from '@erp-bridge/shared';
import { type HttpOptions, type SendOptions, send } from './http.js';
import type { FieldSpec, RequestSpec, RestMapping } from './mapping.js';
import { getList, getValue, PathSyntaxError } from './path.js';
import { renderString, type Vars } from './template.js';
import { FieldError, type FieldReader, invalid, reader } from './values.js';

/** What every operation of the REST connector shares: the mapping, the transport and the readers. */
export interface RestContext {
  mapping: RestMapping;
  http: HttpOptions;
  /** Parallel requests when the ERP takes one SKU per request. */
  concurrency: number;
  send(operation: string, spec: RequestSpec, vars: Vars, opts: SendOptions): Promise<unknown>;
  r(spec: FieldSpec): FieldReader;
  opt(spec: FieldSpec | undefined): FieldReader | undefined;
  /** Reading an answer: a path or field that does not fit is an invalid_response naming the operation. */
  parse<T>(operation: string, fn: () => T): T;
  list(operation: string, body: unknown, path: string): unknown[];
  one(operation: string, body: unknown, path: string): unknown;
  money(amount: number, currency: string | null): Money;
  linkTo(template: string | undefined, vars: Vars): string | null;
}

export function createRestContext(mapping: RestMapping, http: HttpOptions, concurrency: number): RestContext {
  const tz = mapping.timeZone;
  const r = (spec: FieldSpec) => reader(spec, tz);
  const bad = (operation: string, detail: string) => invalid(`${mapping.name} ${operation}`, detail);

  function parse<T>(operation: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof FieldError || e instanceof PathSyntaxError) throw bad(operation, e.message);
      throw e;
    }
  }

  return {
    mapping,
    http,
    concurrency,
    send: (operation, spec, vars, opts) => send(mapping, http, operation, spec, vars, opts),
    r,
    opt: (spec) => (spec === undefined ? undefined : r(spec)),
    parse,
    list(operation, body, path) {
      const records = getList(body, path);
      if (!records) throw bad(operation, `no list at "${path || '$'}"`);
      return records;
    },
    one(operation, body, path) {
      const record = parse(operation, () => getValue(body, path));
      if (record === undefined || record === null || typeof record !== 'object') {
        throw bad(operation, `no record at "${path || '$'}"`);
      }
      return record;
    },
    money: (amount, currency) => ({ amount, currency: currency ?? mapping.currency }),
    linkTo: (template, vars) =>
      template
        ? renderString(template, { baseUrl: mapping.baseUrl.replace(/\/+$/, ''), ...vars }, (v, name) =>
            name === 'baseUrl' ? v : encodeURIComponent(v),
          )
        : null,
  };
}
