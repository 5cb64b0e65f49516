/**
 * What a converging parallel gateway does with the flow messages it holds, decided
 * per inbound source ("slot"); see docs/adr/0011-parallel-join-fix.md.
 *
 * - `taken`: a token arrived on the slot.
 * - `discarded`: only discards arrived and no running activity can still send a token there.
 * - `waiting`: nothing decisive yet, but a running activity upstream can still reach the slot.
 * - `dead`: nothing arrived and nothing running can reach the slot: this round can never complete.
 */
export type SlotState = 'taken' | 'discarded' | 'waiting' | 'dead';

/**
 * - `fire`: run the gateway with every slot's messages (some slot was taken).
 * - `discard`: every slot was discarded for good: discard the gateway and its outbound flows.
 * - `absorb`: the round can never complete: consume the pending discards without going on,
 *   so they neither keep the process open nor count in a later round.
 * - `wait`: keep the messages and decide again on the next message or upstream change.
 */
export type JoinDecision = 'fire' | 'discard' | 'absorb' | 'wait';

/** What the gateway holds for one inbound source. */
export interface SlotView {
  /** Messages held, in arrival order. */
  readonly messages: number;
  readonly taken: boolean;
  /** Whether a running activity (other than the gateway) can still reach the slot; asked lazily. */
  readonly live: () => boolean;
}

/** The state of one slot; liveness is only computed when no token has arrived. */
export function slotState(slot: SlotView): SlotState {
  if (slot.taken) return 'taken';
  if (slot.live()) return 'waiting';
  return slot.messages > 0 ? 'discarded' : 'dead';
}

/** The decision for a round, from the states of all slots. */
export function decideJoin(states: readonly SlotState[]): JoinDecision {
  if (states.includes('dead')) return 'absorb';
  if (states.includes('waiting')) return 'wait';
  return states.includes('taken') ? 'fire' : 'discard';
}
