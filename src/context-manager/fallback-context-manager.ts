import type { ContextManager } from '@opentelemetry/api';
import { registeredContextManager } from './global-context-manager';
import { LabelsContextManager } from './labels-context-manager';

let fallback: ContextManager | undefined;
const listeners = new Set<(manager: ContextManager) => void>();

/**
 * The context manager spanprof made because none was registered with
 * OpenTelemetry when withLabels needed one; undefined until then. It is
 * never registered globally: an app that registers its own later keeps it.
 */
export function fallbackContextManager(): ContextManager | undefined {
  return fallback;
}

/** Calls `listener` when spanprof makes its fallback context manager. Returns the unsubscribe function. */
export function onFallbackContextManager(listener: (manager: ContextManager) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The registered context manager, else the fallback, made on first need. */
export function contextManagerInUse(): ContextManager {
  const registered = registeredContextManager();
  if (registered !== undefined) return registered;
  if (fallback === undefined) {
    const made = new LabelsContextManager();
    fallback = made;
    for (const listener of listeners) listener(made);
  }
  return fallback;
}
