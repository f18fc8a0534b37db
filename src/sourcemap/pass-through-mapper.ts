import { ShortPaths } from './shorten-path';
import type { FrameMapperSetup, GeneratedFrame, MappedFrame, WindowFrameMapper } from './types';

/** Keeps generated locations, only shortening their paths: source maps turned off. */
export class PassThroughFrameMapper implements WindowFrameMapper {
  readonly workerSetup: FrameMapperSetup;
  private readonly paths: ShortPaths;

  constructor(root: string) {
    this.paths = new ShortPaths(root);
    this.workerSetup = { root, sourceMaps: false };
  }

  map(frame: GeneratedFrame): MappedFrame {
    return { name: frame.name, file: this.paths.of(frame.url), line: frame.line, mapped: false };
  }

  async close(): Promise<void> {}
}
