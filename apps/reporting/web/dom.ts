/** The page's elements, by id: the shell (index.html) has every one the script uses. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the dashboard page has no element #${id}`);
  return element as T;
}

/** An element holding plain text (never markup: report data cannot inject any). */
export function cell<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.textContent = text;
  return element;
}
