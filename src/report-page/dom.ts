/**
 * Element helpers. Every string from the profiles reaches the page through
 * textContent, setAttribute or d3's text(): never as markup.
 */

/** The page's element `#id`; the report's HTML always has it. */
export function byId(id: string): HTMLElement;
export function byId<T extends HTMLElement>(id: string, type: new () => T): T;
export function byId(id: string, type: new () => HTMLElement = HTMLElement): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`report page: missing #${id}`);
  if (!(found instanceof type)) throw new Error(`report page: #${id} is not an ${type.name}`);
  return found;
}

/** A new element with an optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
