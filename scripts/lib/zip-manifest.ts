/** The manifest's shape, per amoCRM's widget docs (see docs/architecture.md). */
import { type Add, isObject, type Json } from './zip-common.js';

export const CARD_AREAS = ['lcard', 'ccard', 'comcard', 'cucard'];
const LIST_AREAS = ['llist', 'clist', 'comlist', 'culist', 'tlist'];

/** Locations amoCRM accepts; card and list areas take a -0/-1 suffix (uses the right panel or not). */
export const KNOWN_LOCATIONS: ReadonlySet<string> = new Set([
  ...[...CARD_AREAS, ...LIST_AREAS].flatMap((area) => [`${area}-0`, `${area}-1`]),
  'settings',
  'advanced_settings',
  'digital_pipeline',
  'card_sdk',
  'catalogs',
  'lead_sources',
  'widget_page',
  'sms',
  'mobile_card',
  'everywhere',
  'salesbot_designer',
]);

const SETTING_TYPES = new Set(['text', 'pass', 'users', 'users_lp', 'custom']);
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** Checks the manifest's shape; returns its locales. */
export function checkManifest(manifest: Json, add: Add): string[] {
  if (!isObject(manifest) || !isObject(manifest.widget)) {
    add('manifest', 'manifest.json needs a "widget" object');
    return [];
  }
  const widget = manifest.widget;
  for (const key of ['name', 'description', 'short_description', 'version', 'interface_version', 'locale']) {
    if (widget[key] === undefined) add('manifest', `widget.${key} is required`);
  }
  for (const key of ['name', 'description', 'short_description']) {
    if (widget[key] !== undefined && (typeof widget[key] !== 'string' || widget[key] === '')) {
      add('manifest', `widget.${key} must be a non-empty string (an i18n key)`);
    }
  }
  if (widget.version !== undefined && (typeof widget.version !== 'string' || !SEMVER.test(widget.version))) {
    add('manifest', `widget.version must be semver (x.y.z), got ${JSON.stringify(widget.version)}`);
  }
  if (widget.interface_version !== undefined && widget.interface_version !== 2) {
    add('manifest', `widget.interface_version must be 2, got ${JSON.stringify(widget.interface_version)}`);
  }
  if (widget.init_once !== undefined && typeof widget.init_once !== 'boolean') {
    add('manifest', 'widget.init_once must be a boolean');
  }
  if (widget.installation !== undefined && typeof widget.installation !== 'boolean') {
    add('manifest', 'widget.installation must be a boolean');
  }
  if (widget.support !== undefined) {
    const support = widget.support;
    if (!isObject(support) || (typeof support.link !== 'string' && typeof support.email !== 'string')) {
      add('manifest', 'widget.support needs a link or an email');
    }
  }

  let locales: string[] = [];
  if (widget.locale !== undefined) {
    if (
      !Array.isArray(widget.locale) ||
      widget.locale.length === 0 ||
      !widget.locale.every((l) => typeof l === 'string')
    ) {
      add('manifest', 'widget.locale must be a non-empty array of locale codes');
    } else {
      locales = widget.locale as string[];
    }
  }

  const locations = manifest.locations;
  if (!Array.isArray(locations) || locations.length === 0) {
    add('manifest', 'locations must be a non-empty array');
  } else {
    for (const location of locations) {
      if (typeof location !== 'string' || !KNOWN_LOCATIONS.has(location)) {
        add('manifest', `unknown location ${JSON.stringify(location)}`);
      }
    }
    if (locations.includes('digital_pipeline')) checkDp(manifest.dp, add);
    if (
      locations.includes('advanced_settings') &&
      (!isObject(manifest.advanced) || typeof manifest.advanced.title !== 'string')
    ) {
      add('manifest', 'the advanced_settings location needs "advanced": {"title": <i18n key>}');
    }
  }

  if (manifest.settings !== undefined) {
    if (!isObject(manifest.settings)) {
      add('manifest', 'settings must be an object');
    } else {
      for (const [key, setting] of Object.entries(manifest.settings)) {
        if (!isObject(setting) || typeof setting.name !== 'string') {
          add('manifest', `settings.${key} needs a name (an i18n key)`);
          continue;
        }
        if (typeof setting.type !== 'string' || !SETTING_TYPES.has(setting.type)) {
          add('manifest', `settings.${key}.type must be one of ${[...SETTING_TYPES].join('|')}`);
        }
        if (setting.required !== undefined && typeof setting.required !== 'boolean') {
          add('manifest', `settings.${key}.required must be a boolean`);
        }
      }
    }
  }
  if (widget.code !== undefined || widget.secret_key !== undefined) {
    add('manifest', 'widget.code / widget.secret_key must not be set: amoCRM assigns them on upload');
  }
  return locales;
}

/**
 * The Digital Pipeline section. amoCRM posts the action to dp.webhook_url, one static URL per
 * archive: an absolute https URL, or our `{backend}/...` placeholder (filled at build time when a
 * public backend origin is known; see widget/README.md). Plain http would send the hook in clear.
 */
function checkDp(dp: Json | undefined, add: Add): void {
  if (!isObject(dp)) {
    add('manifest', 'the digital_pipeline location needs a "dp" section');
    return;
  }
  if (dp.settings !== undefined && !isObject(dp.settings)) add('manifest', 'dp.settings must be an object');
  if (dp.action_multiple !== undefined && typeof dp.action_multiple !== 'boolean') {
    add('manifest', 'dp.action_multiple must be a boolean');
  }
  const url = dp.webhook_url;
  if (typeof url !== 'string' || !/^(https:\/\/[^\s/]+|\{backend\})\/\S*$/.test(url)) {
    add(
      'manifest',
      `dp.webhook_url must be an https URL or start with {backend}/, got ${JSON.stringify(url)}`,
    );
  }
}
