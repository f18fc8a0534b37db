/** spanprof's helper thread: windows mapped, built, encoded and gzipped off the profiled thread. */
export { BackgroundEncoder } from './background-encoder';
export { ENCODE_SLICE_MS, LARGE_MAP_BYTES, OnDemandEncoder } from './on-demand-encoder';
