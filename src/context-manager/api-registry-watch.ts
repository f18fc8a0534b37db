/**
 * Every copy of @opentelemetry/api 1.x keeps its registrations in one
 * object on `globalThis`, under this symbol, and registers a context manager
 * by assigning its `context` property. Watching that property sees a
 * registration through any copy the moment it happens, not at the next
 * recheck.
 */
export const API_REGISTRY_KEY = Symbol.for('opentelemetry.js.api.1');
const FIELD = 'context';

type Holder = Record<PropertyKey, unknown>;
type Registry = Holder;

const listeners = new Set<() => void>();
/** The getters of the accessors installed, to know them again and to take them out. */
let globalGetter: (() => unknown) | undefined;
let fieldGetter: (() => unknown) | undefined;

/**
 * Calls `onWrite` right after any copy of the API writes the registered
 * context manager. Returns the stop function. Where the registry cannot be
 * watched (a frozen object, another watcher's accessor), nothing is
 * installed and the caller's recheck still finds the change.
 */
export function watchApiRegistry(onWrite: () => void): () => void {
  listeners.add(onWrite);
  ensureWatching();
  return () => {
    listeners.delete(onWrite);
    if (listeners.size === 0) unwatch();
  };
}

/**
 * Puts the accessors back if something took them out (the API's
 * `disable()` deletes the property). Cheap; safe to call at every recheck.
 */
export function ensureWatching(): void {
  if (listeners.size === 0) return;
  const holder = globalThis as unknown as Holder;
  const registry = holder[API_REGISTRY_KEY];
  if (registry !== null && typeof registry === 'object') {
    fieldGetter = watchProperty(registry as Registry, FIELD, notify) ?? fieldGetter;
    return;
  }
  // No copy has registered anything yet: see the registry when it is made.
  globalGetter =
    watchProperty(holder, API_REGISTRY_KEY, (next) => {
      if (next !== null && typeof next === 'object') {
        fieldGetter = watchProperty(next as Registry, FIELD, notify) ?? fieldGetter;
      }
      notify();
    }) ?? globalGetter;
}

/**
 * Replaces `target[key]` with an accessor that keeps its value and calls
 * `onSet` after each write; returns its getter. Undefined when the
 * property is an accessor already (ours, or another watcher's) or cannot
 * be redefined.
 */
function watchProperty(
  target: Holder,
  key: PropertyKey,
  onSet: (next: unknown) => void,
): (() => unknown) | undefined {
  const current = Object.getOwnPropertyDescriptor(target, key);
  if (current !== undefined && (current.get !== undefined || !current.configurable)) return undefined;
  let value: unknown = current?.value;
  const get = (): unknown => value;
  const set = (next: unknown): void => {
    value = next;
    onSet(next);
  };
  try {
    Object.defineProperty(target, key, { configurable: true, enumerable: current?.enumerable ?? true, get, set });
  } catch {
    return undefined;
  }
  return get;
}

function notify(): void {
  for (const listener of listeners) {
    try {
      listener();
    } catch {
      // A registration must never fail because spanprof watched it.
    }
  }
}

/** Takes the accessors out, leaving plain values where they were. */
function unwatch(): void {
  const holder = globalThis as unknown as Holder;
  unwatchProperty(holder, API_REGISTRY_KEY, globalGetter);
  const registry = holder[API_REGISTRY_KEY];
  if (registry !== null && typeof registry === 'object') unwatchProperty(registry as Registry, FIELD, fieldGetter);
  globalGetter = undefined;
  fieldGetter = undefined;
}

function unwatchProperty(target: Holder, key: PropertyKey, getter: (() => unknown) | undefined): void {
  if (getter === undefined || Object.getOwnPropertyDescriptor(target, key)?.get !== getter) return;
  const value = target[key];
  delete target[key];
  if (value !== undefined) target[key] = value;
}
