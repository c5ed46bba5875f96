/**
 * The listing's code rules (getting-listed "Development", structure-widget, widget-locations):
 * encoding, readable RequireJS code without eval or injected scripts, scoped CSS, and no declared
 * location the code does not use.
 */
import type { Cite, ListingInput, ListingRules } from './marketplace-rules.js';
import { isObject, type Json } from './zip-common.js';

/**
 * What in script.js shows that a declared location is used (widget-locations: declare only what
 * the widget uses). Card and list areas are named in the code; settings pages by their callbacks;
 * digital_pipeline by the manifest's dp section (the action runs on the backend).
 */
const LOCATION_EVIDENCE: Record<string, RegExp> = {
  lcard: /["'`]lcard["'`]|\blcard\s*:/,
  ccard: /["'`]ccard["'`]|\bccard\s*:/,
  comcard: /["'`]comcard["'`]|\bcomcard\s*:/,
  cucard: /["'`]cucard["'`]|\bcucard\s*:/,
  llist: /["'`](?:llist|leads\.selected)["'`]|\bleads\.selected\b/,
  clist: /["'`](?:clist|contacts\.selected)["'`]/,
  comlist: /["'`]comlist["'`]/,
  tlist: /["'`](?:tlist|tasks\.selected)["'`]/,
  settings: /\bsettings\s*:/,
  advanced_settings: /\badvancedSettings\b/,
  card_sdk: /\bloadPreloadedData\b|\bloadElements\b/,
  salesbot_designer: /\bonSalesbotDesignerSave\b/,
};

/** Code rules of the getting-listed checklist ("Development"), on every text file of the archive. */
export function checkCode(input: ListingInput, rules: ListingRules, cite: Cite): void {
  const encoding = cite('encoding', 'listed');
  for (const name of input.names.filter((n) => /\.(js|json|css|twig|html)$/i.test(n))) {
    const bytes = input.files[name] ?? new Uint8Array();
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) encoding(`${name} starts with a BOM`);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      encoding(`${name} is not valid UTF-8`);
    }
    if (bytes.includes(0x0d)) encoding(`${name} has CR line endings (LF only)`);
  }

  if (input.names.includes('script.js')) checkScript(input.text('script.js'), rules, cite);
  if (input.names.includes('style.css')) checkCss(input.text('style.css'), rules, cite('css', 'structure'));
}

function checkScript(code: string, rules: ListingRules, cite: Cite): void {
  const code_ = cite('code', 'listed');
  const lines = code.split('\n');
  const longest = Math.max(...lines.map((l) => l.length));
  const mean = code.length / lines.length;
  if (longest > rules.longLineMax || mean > rules.meanLineMax)
    code_(
      `script.js looks minified (longest line ${longest}, mean ${Math.round(mean)} characters): moderation reviews readable code`,
    );
  if (/\beval\s*\(/.test(code)) code_('script.js calls eval');
  if (/\bnew\s+Function\s*\(|\bFunction\s*\(\s*["'`]/.test(code))
    code_('script.js builds code with new Function');
  if (/createElement\(\s*["'`]script["'`]\s*\)|<script[\s>]|\bdocument\.write\s*\(/i.test(code))
    code_('script.js injects a script tag; load dependencies through RequireJS define()');
  if (/\bimport\s*\(|\bimportScripts\s*\(|\$\.getScript\s*\(/.test(code))
    code_('script.js loads code besides RequireJS define() (import(), getScript)');
  if (!/^define\(\s*\[[^\]]*\]\s*,\s*function\s*\(/.test(code.trimStart()))
    code_('script.js must be define([deps], function (...) {...}): dependencies through RequireJS');
  if (/\b(?:APP|AMOCRM)(?:\.[\w$]+|\[[^\]]+\])*\s*(?:[-+*/]?=(?!=)|\+\+|--)/.test(code))
    code_('script.js writes to APP / AMOCRM (the host object is read-only for widgets)');
  if (/\basync\s*:\s*false\b/.test(code)) code_('script.js makes a synchronous request (async: false)');
}

/** Every selector of every rule (inside @media / @supports too) must start under the root prefix. */
function checkCss(css: string, rules: ListingRules, bad: (d: string) => void): void {
  const source = css.replace(/\/\*[\s\S]*?\*\//g, '');
  // The first compound selector (before any combinator) must carry a prefixed class: `.erpb-x`,
  // `a.erpb-btn`, `.erpb-x:hover`; a bare `a`, `:root` or `.other .erpb-x` is not scoped. The host's
  // theme marker on html or body may stand before it (`html[data-theme="dark"] .erpb-root`): the
  // rule still styles only the widget's own elements.
  const hostTheme = String.raw`(?:(?:html|body)(?:\[[^\]]*\]|\.[\w-]+)+\s+)?`;
  const root = new RegExp(`^${hostTheme}[^\\s>+~]*\\.${rules.cssRootPrefix}[\\w-]`);
  let depth = 0;
  const stack: string[] = [];
  let buffer = '';
  for (const ch of source) {
    if (ch === '{') {
      const prelude = buffer.trim();
      buffer = '';
      stack.push(prelude);
      depth++;
      const parent = stack[stack.length - 2] ?? '';
      if (prelude.startsWith('@') || /^@(keyframes|-webkit-keyframes|font-face)/.test(parent)) continue;
      for (const selector of prelude.split(',').map((s) => s.trim())) {
        if (!root.test(selector))
          bad(`style.css: "${selector}" is not scoped under .${rules.cssRootPrefix}*`);
      }
    } else if (ch === '}') {
      stack.pop();
      depth = Math.max(0, depth - 1);
      buffer = '';
    } else if (ch === ';' && depth >= 0) {
      buffer = '';
    } else {
      buffer += ch;
    }
  }
}

export function checkLocations(
  manifest: { [key: string]: Json },
  input: ListingInput,
  bad: (d: string) => void,
): void {
  const code = input.names.includes('script.js') ? input.text('script.js') : '';
  const locations = Array.isArray(manifest.locations) ? manifest.locations : [];
  for (const location of locations) {
    if (typeof location !== 'string') continue;
    if (location === 'digital_pipeline') {
      const dp = manifest.dp;
      if (!isObject(dp) || typeof dp.webhook_url !== 'string')
        bad('digital_pipeline is declared but manifest.dp.webhook_url is missing');
      continue;
    }
    const evidence = LOCATION_EVIDENCE[location.split('-')[0] ?? location];
    if (evidence && !evidence.test(code))
      bad(`location "${location}" is declared but script.js never uses it`);
  }
}
