import type { Logger } from '../log/logger';
import { fallbackContextManager } from '../context-manager/fallback-context-manager';
import { registeredContextManager } from '../context-manager/global-context-manager';
import { API_REGISTRY_KEY } from '../context-manager/api-registry-watch';
import type { SpanRegistry } from '../otel/span-registry';

/**
 * After `delayMs`, says once why samples carry no spans when the app traces
 * (a tracer provider is registered, or spans were started through spanprof
 * since this call) but no context manager is registered: without one,
 * OpenTelemetry has no active span to follow. Returns the cancel function.
 */
export function checkContextManagerLater(logger: Logger, registry: SpanRegistry, delayMs: number): () => void {
  const startedBefore = registry.spansStarted;
  const timer = setTimeout(() => {
    if (registeredContextManager() !== undefined || fallbackContextManager() !== undefined) return;
    const api = (globalThis as unknown as Record<symbol, { trace?: unknown } | undefined>)[API_REGISTRY_KEY];
    const traces = api?.trace !== undefined || registry.spansStarted > startedBefore;
    if (!traces) return;
    logger.warn(
      `no OpenTelemetry context manager is registered ${Math.round(delayMs / 1000)} s after start, so no span is ` +
        'active and samples carry no span labels. Register one: provider.register() (NodeTracerProvider), ' +
        'new NodeSDK(...).start(), or context.setGlobalContextManager(new AsyncLocalStorageContextManager()).',
    );
  }, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
}
