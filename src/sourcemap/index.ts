export type {
  DebugLogger,
  FrameMapper,
  FrameMapperOptions,
  GeneratedFrame,
  MappedFrame,
  WindowFrameMapper,
} from './types';
export { createFrameMapper, PassThroughFrameMapper } from './create-frame-mapper';
export { BackgroundFrameMapper } from './background-frame-mapper';
export { SourceMapFrameMapper } from './source-map-frame-mapper';
export { loadScriptMap } from './load-script-map';
export { shortenPath } from './shorten-path';
