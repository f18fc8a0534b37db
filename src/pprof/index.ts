export { encodeWindow, type EncodeOptions } from './encode-window';
export type { WindowProfiles } from './build-profiles';
export * from './encoded-window';
export * from './frame-names';
export { InThreadEncoder, type WindowEncoder, type WindowEncoderOptions } from './window-encoder';
export type { ProfiledThreadCost } from './profiled-thread-cost';
