// What the page tells the user: one error banner, one notice line, and buttons that wait while
// an action runs (so a double click cannot start a second sync over the first).

import { byTestId } from './dom.js';

const banner = byTestId('error');
const bannerText = byTestId('error-text');
const notice = byTestId('notice');

banner.querySelector('[data-action="dismiss-error"]').addEventListener('click', () => {
  banner.hidden = true;
});

export function showError(error) {
  const code = error?.code ? `[${error.code}] ` : '';
  bannerText.textContent = `${code}${error?.message ?? String(error)}`;
  banner.hidden = false;
}

export function say(message) {
  notice.textContent = message;
}

/**
 * Runs one user action: clears the last messages, disables the page's buttons meanwhile, and
 * puts any failure in the banner (and the console, for whoever debugs), never only the console.
 * A `look` (choosing what to show) keeps the notice of the last action that changed something.
 */
export async function run(action, { look = false } = {}) {
  banner.hidden = true;
  if (!look) say('');
  const buttons = [...document.querySelectorAll('main button')].filter((b) => !b.disabled);
  for (const button of buttons) button.disabled = true;
  document.body.setAttribute('aria-busy', 'true');
  try {
    await action();
  } catch (error) {
    console.error(error);
    showError(error);
  } finally {
    for (const button of buttons) button.disabled = false;
    document.body.removeAttribute('aria-busy');
  }
}
