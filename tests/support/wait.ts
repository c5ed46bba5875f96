/** Polls `cond` until it holds; fails with what was awaited, so a timeout says what never happened. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  what = 'condition',
  ms = 20_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
