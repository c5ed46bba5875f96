import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { canRunBrowser, skippedWithoutBrowser, useBrowserDemo } from '../support/browser-demo.js';
import { screenshotPath } from '../support/screenshots.js';
import { setColumnWidth } from '../support/widget-page.js';

/**
 * axe-core on every surface of the widget (deal, contact, company, settings) in the host's light
 * and dark theme: no serious or critical violation (WCAG 2 AA: contrast 4.5:1 for text, names,
 * roles). The sandbox marks the dark theme on <html> and sets the host variables (card.css).
 */
const SECRET = 'e2e-a11y-client-secret-0123456789abcdef';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const e2e = useBrowserDemo(SECRET);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Serious and critical axe violations inside the widget's root. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(
      { include: [['.erpb-root']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } },
    );
    return result.violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join(' | ')}`,
    );
}

const SURFACES = [
  { name: 'deal (all in stock)', query: 'lead=1001', ready: '.erpb-invoices[data-state="ready"]' },
  { name: 'deal (short)', query: 'lead=1002', ready: '.erpb-invoices[data-state="ready"]' },
  { name: 'deal (no products)', query: 'lead=1003', ready: '.erpb-invoices[data-state="ready"]' },
  { name: 'contact (found)', query: 'entity=contacts&id=2001', ready: '.erpb-root[data-state="found"]' },
  {
    name: 'contact (not found, search)',
    query: 'entity=contacts&id=2003',
    ready: '.erpb-root[data-state="not_found"]',
  },
  { name: 'company (several)', query: 'entity=companies&id=3003', ready: '.erpb-root[data-state="several"]' },
  { name: 'settings', query: 'page=settings', ready: '.erpb-root[data-state="ready"]' },
] as const;

describe.runIf(canRunBrowser)('the widget follows the host theme', () => {
  for (const marker of ['attr', 'class', 'both'] as const) {
    it(`takes the dark set when the host marks it by ${marker}, and the host's variables where they exist`, async () => {
      const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${e2e.demo.emulator.url}/sandbox?lead=1001&theme=dark&theme_marker=${marker}`);
      await page.locator('.erpb-root[data-state="data"]').waitFor({ timeout: 20_000 });
      const root = page.locator('.erpb-root');
      expect(await root.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(230, 233, 237)');
      // A host variable changes the widget's text colour (the token layer reads it).
      await page.addStyleTag({ content: 'html { --amo-text-color: rgb(250, 250, 250) !important; }' });
      expect(await root.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(250, 250, 250)');
      await page.close();
    });
  }
});

describe.runIf(canRunBrowser)('accessibility (axe-core) in both host themes', () => {
  for (const theme of ['light', 'dark'] as const) {
    for (const lang of ['ru', 'en'] as const) {
      for (const surface of SURFACES) {
        it(`${surface.name}, ${theme}, ${lang}: no serious or critical violations`, async () => {
          const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 1000 } });
          await page.goto(
            `${e2e.demo.emulator.url}/sandbox?${surface.query}&lang=${lang}${theme === 'dark' ? '&theme=dark' : ''}`,
          );
          await page.locator(surface.ready).waitFor({ timeout: 20_000 });
          if (theme === 'dark') {
            // The widget follows the host: its text takes the dark set.
            const color = await page.locator('.erpb-root').evaluate((el) => getComputedStyle(el).color);
            expect(color).toBe('rgb(230, 233, 237)');
          }
          expect(await axeViolations(page)).toEqual([]);
          if (lang === 'ru' && theme === 'dark' && surface.query === 'page=settings')
            await page.screenshot({ path: screenshotPath('settings-dark.png'), fullPage: true });
          if (lang === 'ru' && theme === 'dark' && surface.query === 'entity=contacts&id=2001')
            await page.screenshot({ path: screenshotPath('panel-contact-dark.png') });
          if (lang === 'ru' && surface.query === 'lead=1002') {
            for (const width of [280, 360]) {
              await setColumnWidth(page, width);
              await page.screenshot({ path: screenshotPath(`sandbox-deal-${width}-${theme}.png`) });
            }
          }
          await page.close();
        });
      }
    }
  }
});

skippedWithoutBrowser();
