import { BackgroundFrameMapper } from './background-frame-mapper';
import { ShortPaths } from './short-paths';
import type { DebugLogger, FrameMapperOptions, GeneratedFrame, MappedFrame, WindowFrameMapper } from './types';

const SILENT: DebugLogger = { debug: () => {} };

/** Keeps generated locations, only shortening their paths: source maps turned off. */
export class PassThroughFrameMapper implements WindowFrameMapper {
  private readonly paths: ShortPaths;

  constructor(root: string) {
    this.paths = new ShortPaths(root);
  }

  map(frame: GeneratedFrame): MappedFrame {
    return { name: frame.name, file: this.paths.of(frame.url), line: frame.line, mapped: false };
  }

  async prepare(): Promise<void> {}

  async close(): Promise<void> {}
}

/** The frame mapper for a profiler's options: source maps on unless `enabled` is false. */
export function createFrameMapper(options: FrameMapperOptions = {}): WindowFrameMapper {
  const root = options.root ?? process.cwd();
  if (options.enabled === false) return new PassThroughFrameMapper(root);
  return new BackgroundFrameMapper(root, options.logger ?? SILENT);
}
