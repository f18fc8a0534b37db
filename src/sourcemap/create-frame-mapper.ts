import { SourceMapFrameMapper } from './source-map-frame-mapper';
import { shortenPath } from './shorten-path';
import type { DebugLogger, FrameMapper, FrameMapperOptions, GeneratedFrame, MappedFrame } from './types';

const SILENT: DebugLogger = { debug: () => {} };

/** Keeps generated locations, only shortening their paths: source maps turned off. */
export class PassThroughFrameMapper implements FrameMapper {
  constructor(private readonly root: string) {}

  map(frame: GeneratedFrame): MappedFrame {
    return { name: frame.name, file: shortenPath(frame.url, this.root), line: frame.line, mapped: false };
  }
}

/** The frame mapper for a profiler's options: source maps on unless `enabled` is false. */
export function createFrameMapper(options: FrameMapperOptions = {}): FrameMapper {
  const root = options.root ?? process.cwd();
  if (options.enabled === false) return new PassThroughFrameMapper(root);
  return new SourceMapFrameMapper(root, options.logger ?? SILENT);
}
