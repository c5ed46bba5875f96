import { createHash } from 'node:crypto';

/** What identifies one change of an entity, as a hook, a Digital Pipeline call or reconciliation saw it. */
export interface KeyedRecord {
  id: number;
  status_id?: number | undefined;
  old_status_id?: number | undefined;
  pipeline_id?: number | undefined;
  old_pipeline_id?: number | undefined;
  last_modified?: number | undefined;
  updated_at?: number | undefined;
}

/**
 * The one dedupe key of an inbox event: hooks, the Digital Pipeline route and reconciliation all
 * build it here, so a change reconciliation finds after its hook arrived is the same row.
 *
 * A lead change is named by what every source can see: the lead, its version (amoCRM's
 * modification time, one-second resolution) and its stage; a move also by the stage it left, so a
 * move and our own move back within one second stay two events. `add` and `update` are one kind
 * ("the lead as of this version"): reconciliation cannot tell them apart, and the guard treats
 * them alike. Other entities, which only hooks bring, keep a content hash.
 */
export function eventDedupeKey(
  accountId: number,
  entity: string,
  action: string,
  record: KeyedRecord & Record<string, unknown>,
): string {
  const version = record.last_modified ?? record.updated_at;
  if (entity === 'leads' && version !== undefined) {
    const stage = `${record.pipeline_id ?? ''}/${record.status_id ?? ''}`;
    if (action === 'status') {
      const from = `${record.old_pipeline_id ?? record.pipeline_id ?? ''}/${record.old_status_id ?? ''}`;
      return `${accountId}:leads:status:${record.id}:${version}:${from}>${stage}`;
    }
    if (action === 'add' || action === 'update')
      return `${accountId}:leads:change:${record.id}:${version}:${stage}`;
    if (action === 'dp') return `${accountId}:leads:dp:${record.id}:${version}:${stage}`;
  }
  const content = createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 16);
  return `${accountId}:${entity}:${action}:${record.id}:${version ?? ''}:${content}`;
}
