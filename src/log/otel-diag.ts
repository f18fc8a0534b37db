import { API_REGISTRY_KEY } from '../context-manager/api-registry-watch';

/** The methods of OpenTelemetry's DiagLogger that spanprof's levels map to. */
export interface DiagSink {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * The diag logger the app registered (`diag.setLogger`) through any copy of
 * @opentelemetry/api, already filtered at the app's level; undefined when
 * none is. Looked up at each line, so a logger set after spanprof started
 * is used from then on.
 */
export function registeredDiag(): DiagSink | undefined {
  const registry = (globalThis as unknown as Record<symbol, { diag?: unknown } | undefined>)[API_REGISTRY_KEY];
  const diag = registry?.diag as Partial<DiagSink> | undefined;
  return diag !== undefined &&
    typeof diag.debug === 'function' &&
    typeof diag.info === 'function' &&
    typeof diag.warn === 'function' &&
    typeof diag.error === 'function'
    ? (diag as DiagSink)
    : undefined;
}
