export { encodeWindow, type EncodeOptions } from './encode-window';
export { buildProfiles, SAMPLING_PERIOD_NS, type BuildOptions, type WindowProfiles } from './build-profiles';
export { decodeProfile, decodeProfileSync } from './decode';
export { readSamples, sampleTypesOf, type ReadableSample, type ReadableValueType } from './read-profile';
export * from './encoded-window';
export * from './frame-names';
export { InThreadEncoder, type WindowEncoder, type WindowEncoderOptions } from './window-encoder';
export type { ProfiledThreadCost } from './profiled-thread-cost';
