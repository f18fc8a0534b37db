import { context } from '@opentelemetry/api';
import type { ContextManager } from '@opentelemetry/api';
import { ensureWatching, watchApiRegistry } from './api-registry-watch';
import { wrapMethod } from './method-wrap';

/** The context manager registered with the OTel API; undefined while only the API's no-op is there. */
export function registeredContextManager(): ContextManager | undefined {
  const api = context as unknown as { _getContextManager?: () => ContextManager | undefined };
  const manager = api._getContextManager?.();
  if (manager === undefined || manager.constructor?.name === 'NoopContextManager') return undefined;
  return manager;
}

/**
 * Calls `onChange` now with the registered context manager, and again each
 * time another one is registered or the API is disabled. Registration
 * through any copy of @opentelemetry/api is seen at once (the copies share
 * one registry, which is watched); the recheck every `recheckMs` is the
 * fallback where it cannot be. Returns the stop function.
 */
export function watchContextManager(
  onChange: (manager: ContextManager | undefined) => void,
  recheckMs: number,
): () => void {
  let watching = true;
  let current = registeredContextManager();
  const check = (): void => {
    if (!watching) return;
    ensureWatching();
    const manager = registeredContextManager();
    if (manager !== current) {
      current = manager;
      onChange(manager);
    }
  };
  onChange(current);
  const stopRegistry = watchApiRegistry(check);
  const unwrapRegister = wrapMethod(
    context,
    'setGlobalContextManager',
    (original) =>
      function (this: typeof context, manager: ContextManager): boolean {
        const registered = original.call(this, manager);
        check();
        return registered;
      },
  );
  const unwrapDisable = wrapMethod(
    context,
    'disable',
    (original) =>
      function (this: typeof context): void {
        original.call(this);
        check();
      },
  );
  const timer = recheckMs > 0 ? setInterval(check, recheckMs) : undefined;
  timer?.unref();
  return () => {
    watching = false;
    stopRegistry();
    unwrapRegister();
    unwrapDisable();
    if (timer !== undefined) clearInterval(timer);
  };
}
