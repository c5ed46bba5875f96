import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Demo } from '../../scripts/demo.js';
import { type StartedMoySkladEmulator, startMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { browserRequired, findChromium, launchChromium } from './browser.js';
import { startTestDemo } from './demo.js';
import { setColumnWidth } from './widget-page.js';

/** Browser tests run where Chromium is installed, and must run in CI (a missing browser fails there). */
export const canRunBrowser = browserRequired || Boolean(findChromium());

export interface BrowserDemo {
  demo: Demo;
  backend: string;
  /** Chromium; launched only when canRunBrowser (the suites that use it run only then). */
  browser: Browser;
  /** Closes the browser, the demo and the ERP emulator. */
  close(): Promise<void>;
}

/**
 * The sandbox demo for browser tests, signed with `secret`, and Chromium where it runs. Given a
 * MoySklad token, a MoySklad emulator taking it is the demo's ERP.
 */
export async function startBrowserDemo(secret: string): Promise<BrowserDemo>;
export async function startBrowserDemo(
  secret: string,
  moyskladToken: string,
): Promise<BrowserDemo & { moysklad: StartedMoySkladEmulator }>;
export async function startBrowserDemo(
  secret: string,
  moyskladToken?: string,
): Promise<BrowserDemo & { moysklad?: StartedMoySkladEmulator }> {
  const moysklad = moyskladToken ? await startMoySkladEmulator({ token: moyskladToken }) : undefined;
  const { demo, backend } = await startTestDemo(
    secret,
    moysklad && moyskladToken
      ? { ERP_KIND: 'moysklad', MOYSKLAD_TOKEN: moyskladToken, MOYSKLAD_API_BASE: moysklad.url }
      : {},
  );
  const browser = canRunBrowser ? await launchChromium() : (undefined as unknown as Browser);
  return {
    demo,
    backend,
    browser,
    moysklad,
    close: async () => {
      await browser?.close();
      await demo.close();
      await moysklad?.close();
    },
  };
}

export interface OpenOptions {
  /** The viewport (1280 × 900 unless told). */
  width?: number;
  height?: number;
  /** Makes amoCRM's widget column this many px wide once the page loaded. */
  column?: number;
  /** Runs on the fresh page before it loads the sandbox (init scripts, routes). */
  before?: (page: Page) => Promise<unknown>;
  /** What shows the page is ready (waited for, up to 20 s). */
  ready: string;
}

export interface OpenedPage {
  page: Page;
  /** Every request the page made to the backend, in order. */
  requests: Request[];
  /** Every error the page throws, from its opening on (checked empty once it is ready). */
  errors: Error[];
}

/**
 * Opens the sandbox (`/sandbox?<query>`) in a fresh page, records its requests to the backend and
 * waits for `ready`; the page must have thrown no error by then.
 */
export async function openSandbox(
  target: Pick<BrowserDemo, 'browser' | 'demo' | 'backend'>,
  query: string,
  opts: OpenOptions,
): Promise<OpenedPage> {
  const page = await target.browser.newPage({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
  });
  const errors: Error[] = [];
  page.on('pageerror', (err) => errors.push(err));
  const requests: Request[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(target.backend)) requests.push(r);
  });
  await opts.before?.(page);
  await page.goto(`${target.demo.emulator.url}/sandbox?${query}`);
  if (opts.column) await setColumnWidth(page, opts.column);
  await page.locator(opts.ready).waitFor({ timeout: 20_000 });
  expect(errors).toEqual([]);
  return { page, requests, errors };
}

/** The panel has left its loading state (whatever it came to). */
export const PANEL_SETTLED = '.erpb-root[data-state]:not([data-state="loading"])';

/** Where Chromium is missing (outside CI), one test says the browser suites were skipped. */
export function skippedWithoutBrowser(): void {
  it.runIf(!canRunBrowser)(
    'browser e2e skipped: Chromium not installed (CI=true makes this a failure)',
    () => {
      expect(browserRequired).toBe(false);
    },
  );
}

/** The bodies of the settings page's saves (PUT /api/v1/settings), in order. */
export const settingsPutBodies = (requests: Request[]) =>
  requests
    .filter((r) => r.method() === 'PUT' && r.url().endsWith('/api/v1/settings'))
    .map((r) => r.postDataJSON());

/** Text as a test compares it: the locale's no-break spaces (digit groups, ₽) as plain spaces, trimmed. */
export const plainText = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();

/** The widget panel's state (`data-state` on its root). */
export const panelState = (page: Page) => page.locator('.erpb-root').getAttribute('data-state');

/**
 * startBrowserDemo for a whole test file: started before its tests, closed after them. The object
 * answered is filled in once the suite starts (read it inside tests and hooks only).
 */
export function useBrowserDemo(secret: string): BrowserDemo;
export function useBrowserDemo(
  secret: string,
  moyskladToken: string,
): BrowserDemo & { moysklad: StartedMoySkladEmulator };
export function useBrowserDemo(secret: string, moyskladToken?: string): BrowserDemo {
  const suite = {} as BrowserDemo;
  beforeAll(async () => {
    Object.assign(
      suite,
      moyskladToken ? await startBrowserDemo(secret, moyskladToken) : await startBrowserDemo(secret),
    );
  });
  afterAll(() => suite.close?.());
  return suite;
}
