import type { FlameNode } from './flame-types';
import { byId } from './dom';
import { duration, percent, plural } from './text';

/** A frame matches when its function or file contains the term, in any case. */
export function matchesFrame(node: FlameNode, term: string): boolean {
  if (!term) return false;
  const t = term.toLowerCase();
  return node.data.name.toLowerCase().includes(t) || node.data.file.toLowerCase().includes(t);
}

/** The status line under the search box: how many frames match and their share. */
export function searchSummary(results: readonly FlameNode[], sum: number, all: number): string {
  return results.length === 0
    ? 'no matching frames'
    : `${plural(results.length, 'matching frame', 'matching frames')} · ${duration(sum)} CPU, ${percent(sum, all)}`;
}

/**
 * The search box and its Clear button. Typing searches once the typing
 * pauses (a large graph takes a moment to highlight); Enter searches at
 * once and Escape clears.
 */
export function wireSearch(input: HTMLInputElement, apply: () => void): void {
  let searchTimer = 0;
  input.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(apply, 120);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      input.value = '';
      apply();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      apply();
    }
  });
  byId('search-clear').addEventListener('click', () => {
    input.value = '';
    apply();
    input.focus();
  });
}
