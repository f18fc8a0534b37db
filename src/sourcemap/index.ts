export type {
  DebugLogger,
  FrameMapper,
  FrameMapperOptions,
  FrameMapperSetup,
  GeneratedFrame,
  MappedFrame,
  WindowFrameMapper,
} from './types';
export { createFrameMapper, PassThroughFrameMapper } from './create-frame-mapper';
export { CallingThreadFrameMapper } from './calling-thread-mapper';
export { SourceMapFrameMapper } from './source-map-frame-mapper';
export { loadScriptMap } from './load-script-map';
export { shortenPath } from './shorten-path';
export { scriptMapBytes } from './map-presence';
