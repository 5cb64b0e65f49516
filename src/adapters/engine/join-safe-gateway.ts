import { Activity } from 'bpmn-elements';
import * as Gateways from 'bpmn-elements/gateways';
import { decideJoin, slotState, type SlotState } from './join-decision.js';
import {
  anyLive,
  linkJumps,
  upstreamOf,
  type LinkNode,
  type NodeLookup,
  type UpstreamNode,
} from './join-upstream.js';

/** A flow message held in the gateway's inbound queue (an smqp message). */
interface FlowMessage {
  readonly fields: { readonly routingKey: string };
  readonly content: { readonly sourceId: string; readonly discardSequence?: readonly string[] };
  /** True while delivered to the gateway and not yet acked; false while queued for (re)delivery. */
  readonly pending: boolean;
  ack(): void;
}

interface Broker {
  cancel(consumerTag: string): void;
  getQueue(name: string): { readonly messages: readonly FlowMessage[] } | undefined;
  subscribeTmp(exchange: string, pattern: string, handler: () => void, options: object): void;
}

/** The bpmn-elements 17 Activity members this gateway reads or overrides (not all are typed). */
interface ActivityInternals extends UpstreamNode {
  readonly broker: Broker;
  readonly context: { getActivityById(id: string): unknown; getActivities(scopeId?: string): unknown[] };
  readonly parent: { readonly id?: string };
  readonly logger: { debug(...args: unknown[]): void };
  run(content: object): void;
  _runDiscard(content: object): void;
  _onJoinInbound(routingKey: string, message: FlowMessage): void;
  addInboundListeners(): number;
  removeInboundListeners(): void;
}

type ActivityConstructor = new (
  behaviour: unknown,
  definition: object,
  context: unknown,
) => ActivityInternals;
const ActivityBase = Activity as unknown as ActivityConstructor;
// The subpath's typings only declare the package root; the behaviour is there at run time.
const { ParallelGatewayBehaviour } = Gateways as unknown as { ParallelGatewayBehaviour: unknown };

const RUN_ON_INBOUND = '_run-on-inbound';
const INBOUND_QUEUE = 'inbound-q';

/**
 * A converging parallel gateway that only counts a discarded inbound flow once no
 * running activity upstream can still send a token on it; it re-decides whenever an
 * upstream activity leaves. Fixes bpmn-engine issue #200 (see docs/adr/0011-parallel-join-fix.md).
 */
class JoinSafeJoin extends ActivityBase {
  private readonly upstream = new Map<string, string[]>();
  private readonly watchTag = `_join-watch-${this.id}`;
  private readonly lookup: NodeLookup = (id) => this.context.getActivityById(id) as UpstreamNode | null;
  private readonly jumps = linkJumps(() => this.context.getActivities(this.parent.id) as LinkNode[]);

  /** The held messages stay in the inbound queue, delivered and unacked, until a decision uses them. */
  override _onJoinInbound(): void {
    this.decide();
  }

  override addInboundListeners(): number {
    const count = super.addInboundListeners();
    if (this.inbound.length > 1) this.watchUpstream();
    return count;
  }

  override removeInboundListeners(): void {
    super.removeInboundListeners();
    if (this.inbound.length < 2) return;
    for (const id of this.upstreamIds()) this.activityBroker(id)?.cancel(this.watchTag);
  }

  /** Re-decides whenever an upstream activity leaves: what it could still send is now known. */
  private watchUpstream(): void {
    const onLeave = () => this.decide();
    for (const id of this.upstreamIds()) {
      this.activityBroker(id)?.subscribeTmp('event', 'activity.leave', onLeave, {
        noAck: true,
        consumerTag: this.watchTag,
      });
    }
  }

  private decide(): void {
    const held = this.broker.getQueue(INBOUND_QUEUE)?.messages ?? [];
    // Running, inactive, or still redelivering (recover, next round): decide on the full picture only.
    if (this.status || held.length === 0 || held.some((message) => !message.pending)) return;
    const slots = this.sources().map((sourceId) => {
      const messages = held.filter((message) => message.content.sourceId === sourceId);
      const state = slotState({
        messages: messages.length,
        taken: messages.some(isTake),
        live: () => anyLive(this.upstreamOf(sourceId), this.lookup),
      });
      return { messages, state };
    });
    const decision = decideJoin(slots.map((slot) => slot.state));
    this.logger.debug(`<${this.id}> join ${slots.map((s) => s.state).join(',')}: ${decision}`);
    if (decision === 'fire') return this.fire(slots);
    if (decision === 'discard') return this.discardAll(slots.flatMap((slot) => slot.messages));
    if (decision === 'absorb') return this.absorb(slots);
  }

  private fire(slots: readonly { messages: FlowMessage[]; state: SlotState }[]): void {
    const used = slots.flatMap(({ messages, state }) =>
      state === 'taken' ? messages.slice(0, messages.findIndex(isTake) + 1) : messages,
    );
    this.run({ inbound: this.consume(used) });
  }

  private discardAll(used: FlowMessage[]): void {
    const discardSequence = new Set(used.flatMap((m) => m.content.discardSequence ?? []));
    this._runDiscard({ inbound: this.consume(used), discardSequence: [...discardSequence] });
  }

  /** Ends the pending discards here: the gateway is discarded without touching its outbound flows. */
  private absorb(slots: readonly { messages: FlowMessage[]; state: SlotState }[]): void {
    const used = slots.filter(({ state }) => state !== 'taken').flatMap(({ messages }) => messages);
    if (used.length === 0) return;
    this._runDiscard({ inbound: this.consume(used), ignoreOutbound: true });
  }

  /** Acks the used messages and hands the others back to the queue for the next round. */
  private consume(used: readonly FlowMessage[]): object[] {
    const inbound = used.map((message) => {
      message.ack();
      return { ...message.content };
    });
    this.broker.cancel(RUN_ON_INBOUND);
    return inbound;
  }

  private sources(): string[] {
    return [...new Set(this.inbound.map((flow) => flow.sourceId))];
  }

  private upstreamOf(sourceId: string): string[] {
    let ids = this.upstream.get(sourceId);
    if (!ids) {
      ids = upstreamOf(sourceId, this.id, this.lookup, this.jumps);
      this.upstream.set(sourceId, ids);
    }
    return ids;
  }

  private upstreamIds(): string[] {
    return [...new Set(this.sources().flatMap((sourceId) => this.upstreamOf(sourceId)))];
  }

  private activityBroker(id: string): Broker | undefined {
    return (this.context.getActivityById(id) as { broker?: Broker } | null)?.broker;
  }
}

function isTake(message: FlowMessage): boolean {
  return message.fields.routingKey === 'flow.take';
}

/**
 * Drop-in for bpmn-elements' `ParallelGateway` element type (pass it through the
 * TypeResolver); splitting gateways behave exactly as before.
 */
export function JoinSafeParallelGateway(activityDefinition: object, context: unknown): unknown {
  return new JoinSafeJoin(
    ParallelGatewayBehaviour,
    { ...activityDefinition, isParallelGateway: true },
    context,
  );
}
