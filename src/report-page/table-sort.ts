import { byId } from './dom';
import type { Group } from './model';

type SortKey = 'name' | 'spans' | 'cpu' | 'samples';
const SORT_KEYS: readonly SortKey[] = ['name', 'spans', 'cpu', 'samples'];

export interface TableSort {
  /** The groups in the chosen order; ties go to the most CPU, then by name. */
  sorted(groups: readonly Group[]): Group[];
  /** Marks the sorted column's header for assistive technology and the arrow. */
  markHeaders(): void;
}

/**
 * The span table's order: most CPU first until a column header is clicked.
 * A second click on the same header reverses it; names start A to Z, numbers
 * largest first. `onChange` redraws the table.
 */
export function tableSort(onChange: () => void): TableSort {
  let sortKey: SortKey = 'cpu';
  let sortDescending = true;
  for (const key of SORT_KEYS) {
    byId(`sort-${key}-button`).addEventListener('click', () => {
      if (sortKey === key) sortDescending = !sortDescending;
      else {
        sortKey = key;
        sortDescending = key !== 'name';
      }
      onChange();
    });
  }
  return { sorted, markHeaders };

  function sorted(groups: readonly Group[]): Group[] {
    const dir = sortDescending ? -1 : 1;
    return groups.slice().sort((a, b) => {
      const x = sortValue(a, sortKey);
      const y = sortValue(b, sortKey);
      const c = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
      return c * dir || b.cpuNs - a.cpuNs || a.name.localeCompare(b.name);
    });
  }

  function markHeaders(): void {
    for (const key of SORT_KEYS) {
      byId(`sort-${key}`).setAttribute(
        'aria-sort',
        key === sortKey ? (sortDescending ? 'descending' : 'ascending') : 'none',
      );
    }
  }
}

function sortValue(g: Group, key: SortKey): number | string {
  switch (key) {
    case 'name':
      return g.name;
    case 'spans':
      return g.spans.length;
    case 'cpu':
      return g.cpuNs;
    case 'samples':
      return g.samples;
  }
}
