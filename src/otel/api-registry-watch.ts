/**
 * Every copy of @opentelemetry/api 1.x keeps its registrations in one
 * object on `globalThis`, under this symbol, and registers a context manager
 * by assigning its `context` property. Watching that property sees a
 * registration through any copy the moment it happens, not at the next
 * recheck.
 */
export const API_REGISTRY_KEY = Symbol.for('opentelemetry.js.api.1');
const FIELD = 'context';

type Registry = Record<string, unknown>;
type Holder = Record<PropertyKey, unknown>;

const listeners = new Set<() => void>();
/** The accessors installed, to know them again and to take them out. */
let registryAccessor: PropertyDescriptor | undefined;
let globalAccessor: PropertyDescriptor | undefined;

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
    watchField(registry as Registry);
    return;
  }
  // No copy has registered anything yet: see the registry when it is made.
  const current = Object.getOwnPropertyDescriptor(holder, API_REGISTRY_KEY);
  if (current !== undefined && (current === globalAccessor || !current.configurable)) return;
  let value: unknown = registry;
  const accessor: PropertyDescriptor = {
    configurable: true,
    enumerable: false,
    get: () => value,
    set: (next: unknown) => {
      value = next;
      if (next !== null && typeof next === 'object') watchField(next as Registry);
      notify();
    },
  };
  if (tryDefine(holder, API_REGISTRY_KEY, accessor)) globalAccessor = accessor;
}

function watchField(registry: Registry): void {
  const current = Object.getOwnPropertyDescriptor(registry, FIELD);
  if (current !== undefined && (current.get === registryAccessor?.get || !current.configurable)) return;
  if (current?.get !== undefined) return; // another watcher's: leave it
  let value = current?.value;
  const accessor: PropertyDescriptor = {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (next: unknown) => {
      value = next;
      notify();
    },
  };
  if (tryDefine(registry, FIELD, accessor)) registryAccessor = accessor;
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
  if (globalAccessor !== undefined) {
    const current = Object.getOwnPropertyDescriptor(holder, API_REGISTRY_KEY);
    if (current?.get === globalAccessor.get) {
      const value = holder[API_REGISTRY_KEY];
      delete holder[API_REGISTRY_KEY];
      if (value !== undefined) holder[API_REGISTRY_KEY] = value;
    }
    globalAccessor = undefined;
  }
  const registry = holder[API_REGISTRY_KEY];
  if (registryAccessor !== undefined && registry !== null && typeof registry === 'object') {
    const current = Object.getOwnPropertyDescriptor(registry, FIELD);
    if (current?.get === registryAccessor.get) {
      const value = (registry as Registry)[FIELD];
      delete (registry as Registry)[FIELD];
      if (value !== undefined) (registry as Registry)[FIELD] = value;
    }
  }
  registryAccessor = undefined;
}

function tryDefine(target: object, key: PropertyKey, descriptor: PropertyDescriptor): boolean {
  try {
    Object.defineProperty(target, key, descriptor);
    return true;
  } catch {
    return false;
  }
}
