import type { Clock } from '../../domain/clock.js';

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };
