// How the Lab's browser checks (labChecks.ts, labSeqChecks.ts) drive a page and read it back:
// controls moved by keyboard as a learner would, text and heatmap values read off the page.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";

/** Moves slider #id to `value` with the arrow keys, as a keyboard user would. */
export async function setSlider(page: Page, id: string, value: number): Promise<void> {
  const input = page.locator(`#${id}`);
  await input.focus();
  for (let guard = 0; guard < 50; guard++) {
    const now = Number(await input.inputValue());
    if (now === value) return;
    await page.keyboard.press(now < value ? "ArrowRight" : "ArrowLeft");
  }
  assert.fail(`slider #${id} did not reach ${value}`);
}

/** Picks an option of select #id. */
export const choose = async (page: Page, id: string, value: string): Promise<void> =>
  void (await page.locator(`#${id}`).selectOption(value));

/** Presses button #id by keyboard. */
export async function press(page: Page, id: string): Promise<void> {
  await page.locator(`#${id}`).focus();
  await page.keyboard.press("Enter");
}

/** "−3" as the pages print it (lab/shared/format.ts's num), back to a number. */
export const parse = (s: string): number => Number(s.replace("−", "-"));

/** The rendered text of the element at `selector`. */
export const text = (page: Page, selector: string): Promise<string> => page.locator(selector).innerText();

/** Waits until the text of the element at `selector` matches `pattern`. */
export const waitText = (page: Page, selector: string, pattern: RegExp, timeout = 60_000): Promise<unknown> =>
  page.waitForFunction(
    ([s, p]) => new RegExp(p).test((document.querySelector(s) as HTMLElement | null)?.innerText ?? ""),
    [selector, pattern.source] as const,
    { timeout },
  );

/** The values in the tooltips ("row i, column j: v") of row `row` of the heatmap cells matched by `cells` (a selector of their <title>s). */
export const heatmapRow = (page: Page, cells: string, row: number): Promise<number[]> =>
  page.locator(cells).evaluateAll(
    (ts, r) =>
      ts
        .map((t) => /^row (\d+), column \d+: (.*)$/.exec(t.textContent!)!)
        .filter((m) => Number(m[1]) === r)
        .map((m) => Number(m[2])),
    row,
  );
