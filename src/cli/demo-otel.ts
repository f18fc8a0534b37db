import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { ProfilingTracerProvider } from '../otel/profiling-tracer-provider';
import { CommandError } from './usage-error';

interface DemoTracing {
  readonly tracer: Tracer;
  /** Span ids of the root spans the demo finished, to check against profiles. */
  shutdown(): Promise<void>;
}

/**
 * Sets up OpenTelemetry for the demo the way a service would: the Node SDK's
 * tracer provider, registered globally, wrapped by ProfilingTracerProvider.
 * The SDK is the app's dependency, not spanprof's, so it is loaded here.
 */
export function setUpDemoTracing(): DemoTracing {
  let sdk: { NodeTracerProvider: new () => TracerProvider & { register(): void; shutdown(): Promise<void> } };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sdk = require('@opentelemetry/sdk-trace-node') as typeof sdk;
  } catch {
    throw new CommandError(
      'spanprof demo needs the OpenTelemetry SDK: npm install @opentelemetry/sdk-trace-node',
    );
  }
  const provider = new sdk.NodeTracerProvider();
  provider.register();
  const profiling = new ProfilingTracerProvider(provider);
  trace.setGlobalTracerProvider(profiling);
  return {
    tracer: profiling.getTracer('spanprof-demo'),
    shutdown: () => provider.shutdown(),
  };
}
