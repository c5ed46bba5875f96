import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

/**
 * amoCRM loads script.js with RequireJS and expects a module whose value is the widget constructor.
 * Rolldown emits no AMD, so the IIFE (`var <name>=(function(){...})()`) is wrapped after
 * minification: the global name stays local to the define factory, which returns it.
 */
export function amdWrap(options: { globalName: string; deps?: readonly string[] }): Plugin {
  const deps = JSON.stringify(options.deps ?? []);
  return {
    name: 'erpb-amd-wrap',
    apply: 'build',
    enforce: 'post',
    generateBundle(_output, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.isEntry) continue;
        if (!chunk.code.includes(options.globalName)) {
          this.error(
            `amd-wrap: ${chunk.fileName} does not define ${options.globalName}; is the lib name right?`,
          );
        }
        chunk.code = `define(${deps},function(){${chunk.code.trim()}\nreturn ${options.globalName};});\n`;
      }
    },
  };
}

/** Fails the build when a module matching `pattern` ends up in a chunk (e.g. zod via a value import). */
export function forbidModules(pattern: RegExp, reason: string): Plugin {
  return {
    name: 'erpb-forbid-modules',
    apply: 'build',
    generateBundle(_output, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const hit = chunk.moduleIds.find((id) => pattern.test(id));
        if (hit) this.error(`${chunk.fileName} bundles ${hit}: ${reason}`);
      }
    },
  };
}

/** Puts a file built before (the settings chunk) into the archive under `fileName`; fails when it is missing. */
export function includeFile(path: string, fileName: string): Plugin {
  return {
    name: 'erpb-include-file',
    apply: 'build',
    generateBundle() {
      let source: string;
      try {
        source = readFileSync(path, 'utf8');
      } catch {
        this.error(`${path} is missing: build it first (ERPB_CHUNK=settings vite build)`);
      }
      this.emitFile({ type: 'asset', fileName, source });
    },
  };
}
