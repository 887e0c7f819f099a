// Small DOM helpers shared by the page's modules.

/** The element marked `data-testid="id"`: the page's own handles, which the test uses too. */
export function byTestId(id, root = document) {
  return root.querySelector(`[data-testid="${id}"]`);
}

/** An element with attributes (`on*` functions become listeners) and children. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((child) => child !== undefined && child !== null));
  return node;
}

/** Replaces a list's items with one per entry, or one "(none)" item when there are none. */
export function fillList(list, entries, render, empty = 'none') {
  list.replaceChildren(
    ...(entries.length ? entries.map((entry) => render(entry)) : [el('li', { class: 'empty' }, empty)]),
  );
}

/** Bytes as people read them: 1.2 KiB, 3.4 MiB. */
export function formatBytes(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** What a transfer copied, from its `stats`. */
export function moved({ chunks, tableFiles, bytes }) {
  return `${chunks} chunks in ${tableFiles} table files, ${formatBytes(bytes)}`;
}
