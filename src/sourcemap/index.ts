export type { DebugLogger, FrameMapper, FrameMapperOptions, GeneratedFrame, MappedFrame } from './types';
export { createFrameMapper, PassThroughFrameMapper } from './create-frame-mapper';
export { SourceMapFrameMapper } from './source-map-frame-mapper';
export { shortenPath } from './shorten-path';
