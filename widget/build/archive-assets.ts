import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { makeLogos } from './make-logos.js';
import { makeTourImages } from './make-tour.js';

export interface ArchiveAssetsOptions {
  /** The manifest source (repo root manifest.json). */
  manifestPath: string;
  /** Written into manifest.widget.version: the widget package's version. */
  version: string;
  /** Folder of <locale>.json files (every string of every locale), copied to i18n/. */
  i18nDir: string;
  /** The baked backend origin ('' when none): replaces `{backend}` in dp.webhook_url. */
  backend?: string;
}

/**
 * amoCRM's dp.webhook_url is one static URL per archive, and amoCRM substitutes nothing in it
 * (https://developers.kommo.com/docs/widgets-dp). The manifest holds `{backend}/webhooks/dp`; the
 * build fills `{backend}` with the baked backend origin (PUBLIC_URL), so the archive carries
 * `<PUBLIC_URL>/webhooks/dp`, and the backend finds the account from the call's body.
 */
export function resolveDpWebhookUrl(url: unknown, backend: string | undefined): unknown {
  return typeof url === 'string' && backend ? url.replace('{backend}', backend) : url;
}

/**
 * Emits everything in the archive besides script.js and style.css: manifest.json (versioned),
 * i18n/*.json and images/*.png, next to the bundle in the staging folder that gets zipped.
 */
export function archiveAssets(options: ArchiveAssetsOptions): Plugin {
  return {
    name: 'erpb-archive-assets',
    apply: 'build',
    buildStart() {
      this.addWatchFile(options.manifestPath);
    },
    generateBundle() {
      const manifest = JSON.parse(readFileSync(options.manifestPath, 'utf8')) as {
        widget?: Record<string, unknown>;
        dp?: Record<string, unknown>;
      };
      if (typeof manifest.widget !== 'object' || manifest.widget === null) {
        this.error(`${options.manifestPath}: no "widget" object`);
      }
      manifest.widget.version = options.version;
      if (manifest.dp)
        manifest.dp.webhook_url = resolveDpWebhookUrl(manifest.dp.webhook_url, options.backend);
      this.emitFile({
        type: 'asset',
        fileName: 'manifest.json',
        source: `${JSON.stringify(manifest, null, 2)}\n`,
      });

      const own = readdirSync(options.i18nDir).filter((f) => f.endsWith('.json'));
      for (const file of own) {
        const text = readFileSync(join(options.i18nDir, file), 'utf8');
        // Fail the build on a broken translation file rather than ship it.
        JSON.parse(text);
        this.emitFile({ type: 'asset', fileName: `i18n/${file}`, source: text });
      }

      for (const [name, png] of Object.entries({ ...makeLogos(), ...makeTourImages() })) {
        this.emitFile({ type: 'asset', fileName: `images/${name}`, source: png });
      }
    },
  };
}
