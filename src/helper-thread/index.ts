/** spanprof's helper thread: windows mapped, built, encoded and gzipped off the profiled thread. */
export { BackgroundEncoder } from './background-encoder';
export { LARGE_MAP_BYTES, OnDemandEncoder, SLOW_ENCODE_MS, SLOW_WINDOWS_BEFORE_HELPER } from './on-demand-encoder';
