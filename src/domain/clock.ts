/** Source of the current instant. Domain and use cases never call `new Date()` themselves. */
export interface Clock {
  /** The current instant. */
  now(): Date;
}
