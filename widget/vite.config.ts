import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import zipPack from 'vite-plugin-zip-pack';
import { amdWrap, forbidModules, includeFile } from './build/amd-wrap.js';
import { archiveAssets } from './build/archive-assets.js';
import { bakedBackendOrigin } from './src/backend-url.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const pkg = JSON.parse(readFileSync(here('./package.json'), 'utf8')) as { version: string };

/**
 * `ERPB_CHUNK=settings` builds the settings page alone (src/settings/chunk.ts -> dist/chunks/, its
 * own AMD module); the widget build that follows puts it into the archive as settings.js, which
 * entry.ts loads through RequireJS when an admin opens the page. script.js stays the card panels.
 */
const CHUNK = process.env.ERPB_CHUNK === 'settings';
/** Name of the IIFE's result; the AMD wrapper returns it from define(). */
const GLOBAL_NAME = CHUNK ? 'ErpBridgeSettings' : 'ErpBridgeWidget';
/**
 * `ERPB_TARGET=marketplace` (pnpm build:marketplace): the archive for Kommo / amoCRM moderation,
 * readable (not minified: https://developers.kommo.com/docs/getting-listed asks for code it can
 * review) and staged apart from the private build, which stays minified and smallest.
 */
const MARKETPLACE = process.env.ERPB_TARGET === 'marketplace';
/** Staging folder = the unpacked archive (the amoCRM emulator serves it as the widget's path). */
const STAGING = here(MARKETPLACE ? './dist/widget-marketplace' : './dist/widget');
const CHUNK_DIR = here(MARKETPLACE ? './dist/chunks-marketplace' : './dist/chunks');
const BACKEND = bakedBackendOrigin(process.env.PUBLIC_URL);

export default defineConfig({
  root: here('.'),
  publicDir: false,
  logLevel: 'warn',
  // Classic JSX (h(tag, props, ...children), h and Fragment injected from preact) renders exactly
  // what the automatic runtime does, but writes no `children:` key per element and bundles no
  // jsx-runtime: 2.7 KB raw / 0.34 KB gzip less script.js (measured with vite build, Dec 2026).
  // Type-checking keeps tsconfig's react-jsx + jsxImportSource preact.
  oxc: { jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment' } },
  define: {
    __ERPB_BACKEND__: JSON.stringify(BACKEND),
    'process.env.NODE_ENV': JSON.stringify('production'),
  },
  build: {
    outDir: CHUNK ? CHUNK_DIR : STAGING,
    emptyOutDir: true,
    minify: !MARKETPLACE,
    sourcemap: false,
    copyPublicDir: false,
    reportCompressedSize: false,
    rolldownOptions: {
      transform: { inject: { h: ['preact', 'h'], Fragment: ['preact', 'Fragment'] } },
      treeshake: {
        // @erp-bridge/shared builds zod schemas at module level, which a bundler must assume has
        // side effects; the widget only uses its types and path helpers, so let unused modules go.
        moduleSideEffects: [{ test: /[\\/]shared[\\/]src[\\/]/, sideEffects: false }],
      },
    },
    lib: {
      entry: here(CHUNK ? './src/settings/chunk.ts' : './src/entry.ts'),
      formats: ['iife'],
      name: GLOBAL_NAME,
      fileName: () => (CHUNK ? 'settings.js' : 'script.js'),
      cssFileName: 'style',
    },
  },
  plugins: [
    forbidModules(
      /[\\/]node_modules[\\/](\.pnpm[\\/])?zod[@\\/]/,
      'zod must stay out of script.js (size budget)',
    ),
    amdWrap({ globalName: GLOBAL_NAME }),
    ...(CHUNK
      ? []
      : [
          includeFile(join(CHUNK_DIR, 'settings.js'), 'settings.js'),
          archiveAssets({
            manifestPath: here('../manifest.json'),
            version: pkg.version,
            i18nDir: here('./src/i18n'),
            backend: BACKEND,
          }),
          zipPack({
            inDir: STAGING,
            outDir: here('./dist'),
            outFileName: MARKETPLACE ? 'widget-marketplace.zip' : 'widget.zip',
            enableLogging: false,
            // The plugin only logs its errors; make a failed zip fail the build.
            done: (error) => {
              if (error) throw error;
            },
          }),
        ]),
  ],
});
