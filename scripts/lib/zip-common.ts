/** What the archive rules share: the violation sink, JSON access and sizes in words. */

export interface Violation {
  rule: string;
  detail: string;
}

export type Add = (rule: string, detail: string) => void;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readJson(
  name: string,
  names: string[],
  text: (n: string) => string,
  add: Add,
): Json | undefined {
  if (!names.includes(name)) return undefined;
  try {
    return JSON.parse(text(name)) as Json;
  } catch (error) {
    add('json', `${name} is not valid JSON (${(error as Error).message})`);
    return undefined;
  }
}

export function lookup(messages: Json, key: string): Json | undefined {
  if (isObject(messages) && key in messages) return messages[key];
  let node: Json | undefined = messages;
  for (const part of key.split('.')) {
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

/** Dotted paths of every leaf, to compare locale files. */
export function leafKeys(value: Json, prefix = ''): string[] {
  if (!isObject(value)) return [prefix];
  return Object.entries(value).flatMap(([key, item]) => leafKeys(item, prefix ? `${prefix}.${key}` : key));
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
