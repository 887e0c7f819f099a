// Driving the demo page in headless Chromium, for the tests here: launching it, and a driver
// that works the page through its controls like a newcomer would and checks what it shows.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../serve.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Chromium as every browser test here drives it (npm/ holds the one pinned playwright-core). */
async function chromiumHelpers() {
  assert.ok(
    existsSync(join(ROOT, 'npm', 'node_modules', 'playwright-core')),
    'playwright-core is not installed: run `cd npm && npm ci`',
  );
  return import('../../npm/test/chromium.mjs');
}

/**
 * What sticks out sideways: the page wider than the window, or anything wider than its panel
 * or beyond its edges. The boxes are compared too because scrollWidth misses what sticks out
 * on the left. Inside a scroller (the grid) nothing is counted: it scrolls, the panel does not.
 */
function overflows(page) {
  return page.evaluate(() => {
    const found = [];
    const name = (node) =>
      node.dataset.testid ?? `<${node.localName}${node.className ? ` class="${node.className}"` : ''}> "${node.textContent.trim().slice(0, 40)}"`;
    const root = document.documentElement;
    if (root.scrollWidth > innerWidth) found.push(`the page is ${root.scrollWidth} px wide in a ${innerWidth} px window`);
    for (const panel of document.querySelectorAll('.panel:not([hidden])')) {
      if (panel.scrollWidth > panel.clientWidth) found.push(`${name(panel)} holds ${panel.scrollWidth} px in ${panel.clientWidth} px`);
      const edge = panel.getBoundingClientRect();
      for (const node of panel.querySelectorAll('*')) {
        const box = node.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        let scrolled = false;
        for (let up = node.parentElement; up !== panel; up = up.parentElement) {
          if (getComputedStyle(up).overflowX !== 'visible') scrolled = true;
        }
        if (scrolled || (box.left >= edge.left - 0.5 && box.right <= edge.right + 0.5)) continue;
        const span = (b) => `${Math.round(b.left)}–${Math.round(b.right)} px`;
        found.push(`${name(node)} spans ${span(box)} in ${name(panel)} at ${span(edge)}`);
      }
    }
    return found;
  });
}

/** The page, one control at a time, waiting after each for the page to finish and redraw. */
export function driver(page) {
  const panel = (name) => page.getByTestId(`panel-${name}`);
  const form = (name) => page.locator(`form[data-form="${name}"]`);

  const idle = () => page.waitForFunction(() => document.body.dataset.ready && !document.body.hasAttribute('aria-busy'));
  const banner = async () => ((await page.getByTestId('error').isVisible()) ? page.getByTestId('error-text').innerText() : '');
  /** The status line of the panel a control is in: where the page reports what the control did. */
  const statusOf = async (control) =>
    page.getByTestId(await control.evaluate((node) => node.closest('.panel').dataset.testid.replace('panel-', 'status-')));
  /** A status line as { state, text }; an empty line is hidden. */
  const status = async (line) => ({
    state: await line.getAttribute('data-state'),
    text: (await line.isVisible()) ? await line.innerText() : '',
  });

  return {
    panel,
    form,
    idle,
    text: (testId) => page.getByTestId(testId).innerText(),
    status: (name) => status(page.getByTestId(`status-${name}`)),
    /** Lines of a list, one per item. */
    items: async (testId) => page.getByTestId(testId).locator(':scope > li').allInnerTexts(),
    /** A grid cell's value, by its column and row label ("row 2"). */
    cell: (column, row) => page.getByTestId('grid').getByLabel(`${column}, ${row}`, { exact: true }),
    async fits(when) {
      assert.deepEqual(await overflows(page), [], `something sticks out ${when}`);
    },

    /** Clicks a control; the action must succeed. Resolves to its status line's text. */
    async click(control) {
      const line = await statusOf(control);
      await control.click();
      await idle();
      assert.equal(await banner(), '', 'the page shows an error banner');
      const { state, text } = await status(line);
      assert.notEqual(state, 'failed', `the panel reports a failure: ${text}`);
      return text;
    },
    /** Clicks a control; the action must fail, its panel's status line saying so in words that match. */
    async clickFails(control, expected) {
      const line = await statusOf(control);
      await control.click();
      await idle();
      const { state, text } = await status(line);
      assert.equal(state, 'failed', `the panel reports no failure but: ${text}`);
      assert.match(text, expected);
      return text;
    },
    async sql(query) {
      await form('sql').getByLabel('SQL').fill(query);
      return this.click(form('sql').getByRole('button', { name: 'Run SQL' }));
    },
    async selectTable(name) {
      await this.click(page.getByTestId('db-tables').getByRole('tab', { name, exact: true }));
    },
    /** The values of a column on the grid's page that starts at row `first`. */
    async gridColumn(column, first = 1) {
      const values = [];
      for (let row = first; ; row += 1) {
        const cell = this.cell(column, `row ${row}`);
        if ((await cell.count()) === 0) return values;
        values.push(await cell.inputValue());
      }
    },
    /** The names of a comparison cell's items, and of those only that side has. */
    async compared(side, section) {
      const list = page.getByTestId(`compare-${side}-${section}`);
      const first = async (items) => (await items.allInnerTexts()).map((text) => text.split(/\s/)[0]);
      return { all: await first(list.locator(':scope > li')), only: await first(list.locator(':scope > li.only')) };
    },
  };
}


/**
 * The demo in a fresh Chromium profile, served from 127.0.0.1 (`prepare(server)` runs once the
 * demo server listens, before the page loads: to start a `cairn serve` beside it). Everything
 * is closed when the test `t` ends. Resolves to { page, base, server, step, crashes, outside }:
 * `step(name, body)` runs one subtest, skipped once an earlier one failed; `crashes` collects
 * the page's uncaught errors and `outside` its requests beyond localhost (refused: the page
 * must work offline).
 */
export async function openDemo(t, { viewport, acceptDownloads = false, prepare } = {}) {
  assert.ok(
    existsSync(join(ROOT, 'npm', 'dist', 'cairn_wasm_bg.wasm')),
    'the wasm build is missing: run `cd npm && npm ci && npm run build:wasm`',
  );
  const { launch } = await chromiumHelpers();
  const server = await serve(0);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await launch({ acceptDownloads, viewport });
  t.after(async () => {
    // The browser first: it holds the profile directory.
    await browser.close();
    await new Promise((done) => server.close(done));
  });
  await prepare?.(server);

  const page = await browser.context.newPage();
  const crashes = [];
  page.on('pageerror', (error) => crashes.push(error.message));
  const outside = [];
  await page.route(/.*/, (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'blob:' || url.protocol === 'data:') return route.continue();
    outside.push(url.href);
    return route.abort();
  });

  // One step after another: once a step fails, the ones after it would only fail confusingly.
  let failed = false;
  const step = (name, body) =>
    t.test(name, { skip: failed && 'an earlier step failed' }, async () => {
      try {
        await body();
      } catch (error) {
        failed = true;
        throw error;
      }
    });
  return { page, base, server, step, crashes, outside };
}

/** Skips a test where there is no Chromium. */
export const needsChromium = existsSync('/usr/bin/chromium') ? false : '/usr/bin/chromium is absent (apt-get install chromium)';
