import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Makes the sandbox's right-hand widget column (amoCRM's card column) `width` px wide. */
export async function setColumnWidth(page: Page, width: number): Promise<void> {
  await page.addStyleTag({ content: `#card-widgets { width: ${width}px !important; }` });
}

/**
 * No horizontal overflow: the column, the widget root and every element in it keep their content
 * within their own width (scrollWidth <= clientWidth) and within the root's right edge.
 */
export async function assertNoOverflow(page: Page): Promise<void> {
  const offenders = await page.evaluate(() => {
    const root = document.querySelector('.erpb-root');
    if (!root) return ['no .erpb-root'];
    const edge = root.getBoundingClientRect().right + 0.5;
    const bad: string[] = [];
    const column = document.querySelector('#card-widgets');
    for (const el of [column, root, ...root.querySelectorAll('*')]) {
      if (!(el instanceof HTMLElement) && !(el instanceof SVGElement)) continue;
      // Visually hidden live regions (.erpb-sr: 1 px, clipped) hold their text outside by design.
      if (el.classList.contains('erpb-sr')) continue;
      const name = `${el.tagName.toLowerCase()}.${String(el.getAttribute('class') ?? '').replace(/\s+/g, '.')}`;
      if (el instanceof HTMLElement && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
        bad.push(`${name}: scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`);
      if (el !== column && el.getClientRects().length > 0 && el.getBoundingClientRect().right > edge)
        bad.push(`${name}: right ${el.getBoundingClientRect().right.toFixed(1)} > ${edge.toFixed(1)}`);
    }
    return bad;
  });
  expect(offenders).toEqual([]);
}
