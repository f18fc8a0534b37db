/** Lending slot ids: the small integers that name a label entry to the signal handler. */
export type { FrameHolder, LabelEntry } from './label-entry';
export type { SampleMarker } from './sample-marker';
export type { SlotLabelSource, SlotStats } from './slot-label-source';
export { DEFAULT_SLOT_CAPACITY, SlotTable } from './slot-table';
export type { SlotTableOptions, SlotTableStats } from './slot-table';
