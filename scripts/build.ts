import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build as esbuild, type Plugin } from 'esbuild';
import { asciiSources } from './lib/ascii-source.js';
import { hashInputs } from './lib/input-hash.js';

/**
 * `pnpm build`: the widget archive (validated) and the server compiled to plain JS in server/dist
 * (production runs `node server/dist/start.js`, never tsx), plus a migrated PGlite data directory
 * that a fresh embedded start copies instead of running initdb.
 * `--if-changed` (used by `pnpm start`): each step runs only when a content hash of its inputs
 * differs from the stamp the last build left.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_OUT = join(ROOT, 'server/dist');
const ifChanged = process.argv.includes('--if-changed');

interface Step {
  name: string;
  /** Files and folders whose content decides whether the step must run again. */
  inputs: string[];
  /** Environment values baked into the output. */
  env?: string[];
  /** Must exist for the stamp to count. */
  output: string;
  stamp: string;
  run(): Promise<void> | void;
}

const steps: Step[] = [
  {
    name: 'widget',
    inputs: [
      'widget/src',
      'widget/build',
      'widget/vite.config.ts',
      'widget/package.json',
      'manifest.json',
      'shared/src',
    ],
    env: ['PUBLIC_URL'],
    output: 'widget/dist/widget.zip',
    stamp: 'widget/dist/.build-stamp',
    run() {
      sh('pnpm', ['--filter', '@erp-bridge/widget', 'build']);
      sh(process.execPath, [
        join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
        'scripts/validate-widget.ts',
        'widget/dist/widget.zip',
      ]);
    },
  },
  {
    name: 'server',
    inputs: [
      'server/src',
      'shared/src',
      'scripts/start.ts',
      'scripts/demo.ts',
      'scripts/build.ts',
      'scripts/lib/ascii-source.ts',
      'tests/emulators/amocrm/src',
      // what the amoCRM emulator imports from the emulators' shared modules
      'tests/emulators/listen.ts',
      'tests/emulators/call-log.ts',
      'tests/emulators/options.ts',
      'pnpm-lock.yaml',
    ],
    output: 'server/dist/start.js',
    stamp: 'server/dist/.build-stamp',
    run: compileServer,
  },
  {
    name: 'pglite template',
    inputs: [
      'server/src/db/migrations',
      'server/src/db/open.ts',
      'server/src/db/open-pglite.ts',
      'server/src/jobs/queue.ts',
      'pnpm-lock.yaml',
    ],
    output: 'server/dist/pglite-template/PG_VERSION',
    stamp: 'server/dist/.template-stamp',
    run: () => sh(process.execPath, ['server/dist/start.js', '--make-pglite-template']),
  },
];

function sh(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

/**
 * Source files keep reading their neighbours (SQL migrations, demo CSV, sandbox assets) from the
 * source tree: `import.meta.url` in a bundled module becomes the URL of the file it came from,
 * relative to the bundle, so server/dist moves with the checkout it was built in.
 */
const sourceUrls: Plugin = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.tsx?$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url') || args.path.includes('node_modules')) return undefined;
      const rel = relative(SERVER_OUT, args.path).split('\\').join('/');
      return {
        contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`),
        loader: args.path.endsWith('x') ? 'tsx' : 'ts',
      };
    });
  },
};

/**
 * esbuild, not tsc: the workspace packages export their TypeScript sources, which tsc would
 * have to emit package by package with rewritten exports. Types are checked by `pnpm typecheck`.
 * The npm packages are bundled too: resolving and loading some 600 files through pnpm's
 * symlinked node_modules took 0.85–1.2 s of every start on the loaded 2-core machine, the bundle
 * loads in 0.33–0.48 s (`PORT=abc node server/dist/start.js`, which stops at config validation).
 * Kept as imports: PGlite (it reads its WASM and data files beside its own module) and what is
 * optional or native.
 */
const EXTERNAL_PACKAGES = ['@electric-sql/pglite', 'pg-native'];

async function compileServer() {
  // Chunks sit beside start.js: the rewritten import.meta.url below is relative to server/dist.
  for (const f of existsSync(SERVER_OUT) ? readdirSync(SERVER_OUT) : [])
    if (f.endsWith('.js') || f.endsWith('.js.map')) rmSync(join(SERVER_OUT, f));
  await esbuild({
    // The embedded database's thread loads a file of its own (server/src/db/pglite-thread.ts).
    entryPoints: {
      start: join(ROOT, 'scripts/start.ts'),
      'pglite-worker': join(ROOT, 'server/src/db/pglite-worker.ts'),
    },
    define: { __ERPB_BUNDLED__: 'true' },
    outdir: SERVER_OUT,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true, // the demo (amoCRM emulator) is a chunk loaded only in demo mode
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [
      sourceUrls,
      {
        name: 'external-packages',
        setup(build) {
          // These resolve from server/node_modules at run time.
          build.onResolve({ filter: /^[^./]/ }, (args) =>
            EXTERNAL_PACKAGES.some((p) => args.path === p || args.path.startsWith(`${p}/`))
              ? { path: args.path, external: true }
              : undefined,
          );
        },
      },
    ],
    banner: {
      // CommonJS packages bundled into ESM (pg, pino, prom-client…) call require for node's own modules.
      js: "import { createRequire as __erpbCreateRequire } from 'node:module'; const require = __erpbCreateRequire(import.meta.url);",
    },
  });
  // One byte per source character in V8's heap, not two (scripts/lib/ascii-source.ts).
  asciiSources(SERVER_OUT);
}

async function main() {
  for (const step of steps) {
    const hash = hashInputs(ROOT, step.inputs, step.env);
    const stampFile = join(ROOT, step.stamp);
    const fresh =
      existsSync(join(ROOT, step.output)) &&
      existsSync(stampFile) &&
      readFileSync(stampFile, 'utf8').trim() === hash;
    if (ifChanged && fresh) {
      process.stderr.write(`build: ${step.name} unchanged, skipped\n`);
      continue;
    }
    const started = performance.now();
    await step.run();
    mkdirSync(dirname(stampFile), { recursive: true });
    writeFileSync(stampFile, `${hash}\n`);
    process.stderr.write(`build: ${step.name} in ${Math.round(performance.now() - started)} ms\n`);
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  main().catch((err: unknown) => {
    console.error(`build failed: ${(err as Error).message}`);
    process.exit(1);
  });
}
