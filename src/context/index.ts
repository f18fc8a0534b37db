/** Following the active context: which label entry the running code publishes, across every continuation. */
export { ContextTracker } from './context-tracker';
export type { ContextTrackerOptions } from './context-tracker';
export type { ContinuationMechanism, MechanismOption, TrackingMechanism } from './continuation-hooks';
