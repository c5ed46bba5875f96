import type { SettingsView } from '@erp-bridge/shared';
import type { SettingsMessages } from '../i18n.js';
import type { Catalog } from './catalog.js';
import type { SettingsDraft } from './form.js';

/** What every section of the page gets: the draft, the saved view, strings, and the pickers' lists. */
export interface SectionProps {
  view: SettingsView;
  draft: SettingsDraft;
  t: SettingsMessages;
  /** amoCRM's lists; undefined while loading or when they failed (typed ids then). */
  catalog: Catalog | undefined;
  set<K extends keyof SettingsDraft>(section: K, patch: Partial<SettingsDraft[K]>): void;
  setDraft(draft: SettingsDraft): void;
  /** The message of a field the last save refused, by its data-field name. */
  errorOf(field: string): string | undefined;
}

/** A call's progress: idle, busy, its answer, or its failure. */
export type Op<T> = { busy?: boolean; ok?: T; failure?: import('../api-client.js').ApiFailure } | null;
