import { CallingThreadFrameMapper } from './calling-thread-mapper';
import { PassThroughFrameMapper } from './pass-through-mapper';
import type { DebugLogger, FrameMapperOptions, WindowFrameMapper } from './types';

export { PassThroughFrameMapper };

const SILENT: DebugLogger = { debug: () => {} };

/** The frame mapper for a profiler's options: source maps on unless `enabled` is false. */
export function createFrameMapper(options: FrameMapperOptions = {}): WindowFrameMapper {
  const root = options.root ?? process.cwd();
  if (options.enabled === false) return new PassThroughFrameMapper(root);
  return new CallingThreadFrameMapper(root, options.logger ?? SILENT);
}
