// What the page tells the user. The last action's outcome, success or failure, goes in the
// status line of the panel it was started from; an action empties every status line as it
// starts, so no outcome outlives the next action to say something stale. A banner takes
// failures that belong to no panel (the first drawing). Buttons wait while an action runs (so
// a double click cannot start a second sync over the first).

import { byTestId } from './dom.js';

const banner = byTestId('error');
const bannerText = byTestId('error-text');

banner.querySelector('[data-action="dismiss-error"]').addEventListener('click', () => {
  banner.hidden = true;
});

const describe = (error) => `${error?.code ? `[${error.code}] ` : ''}${error?.message ?? String(error)}`;

/** Sets a status line; an empty message empties (and so hides) it. */
function report(line, state, message = '') {
  line.dataset.state = state;
  line.textContent = message;
}

/**
 * Runs one user action and puts its outcome in the status line `status` (the banner when
 * none): the message it resolves to, or its failure (also to the console, for whoever debugs).
 * A `look` (choosing what to show) that succeeds leaves the lines to the last action that
 * changed something.
 */
export async function run(action, { status, look = false } = {}) {
  banner.hidden = true;
  if (!look) for (const line of document.querySelectorAll('.status')) report(line, 'ok');
  const buttons = [...document.querySelectorAll('main button')].filter((b) => !b.disabled);
  for (const button of buttons) button.disabled = true;
  document.body.setAttribute('aria-busy', 'true');
  try {
    const message = await action();
    if (status && !look) report(status, 'ok', message);
  } catch (error) {
    console.error(error);
    if (status) report(status, 'failed', describe(error));
    else {
      bannerText.textContent = describe(error);
      banner.hidden = false;
    }
  } finally {
    for (const button of buttons) button.disabled = false;
    document.body.removeAttribute('aria-busy');
  }
}
