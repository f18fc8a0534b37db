import type { Tracer, TracerOptions, TracerProvider } from '@opentelemetry/api';
import { resolveLabelOptions } from './label-options';
import type { ResolvedLabelOptions, SpanLabelOptions } from './label-options';
import { ProfilingTracer } from './profiling-tracer';
import { spanRegistry } from './span-registry';

/** What a provider may also offer; forwarded when the wrapped one has it. */
interface FlushableProvider extends TracerProvider {
  forceFlush?(): Promise<void>;
  shutdown?(): Promise<void>;
}

/**
 * Wraps any TracerProvider, as otel-profiling-go's NewTracerProvider does.
 * Spans start through the wrapped provider's tracers; at start each one gets
 * its local root found, `pyroscope.profile.id` set when it is in span-id
 * scope, and labels for the code that runs in it.
 */
export class ProfilingTracerProvider implements TracerProvider {
  readonly options: ResolvedLabelOptions;
  private readonly tracers = new Map<string, ProfilingTracer>();

  constructor(
    private readonly provider: TracerProvider,
    options?: SpanLabelOptions,
  ) {
    if (provider === null || typeof provider !== 'object' || typeof provider.getTracer !== 'function') {
      throw new TypeError(`provider must be an OpenTelemetry TracerProvider (an object with getTracer()); got ${String(provider)}`);
    }
    this.options = resolveLabelOptions(options);
  }

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    let tracer = this.tracers.get(key);
    if (tracer === undefined) {
      tracer = new ProfilingTracer(this.provider.getTracer(name, version, options), this.options, spanRegistry);
      this.tracers.set(key, tracer);
    }
    return tracer;
  }

  forceFlush(): Promise<void> {
    return (this.provider as FlushableProvider).forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return (this.provider as FlushableProvider).shutdown?.() ?? Promise.resolve();
  }
}
