import { InclusiveGateway } from 'bpmn-elements';
import { JoinSafeParallelGateway } from './join-safe-gateway.js';

interface GatewayContext {
  getInboundSequenceFlows(id: string): readonly unknown[];
}

/**
 * Drop-in for bpmn-elements' `InclusiveGateway` element type (issue 16). bpmn-elements 17
 * lets every token through a converging inclusive gateway, so the branches after an
 * inclusive split would each run the rest of the process. A gateway with several
 * inbound flows is therefore the join-safe join (docs/adr/0011): with dead-path
 * elimination the branches the split did not take arrive as discards, so "wait for
 * every branch that can still deliver, fire if any was taken" is the OR-join.
 * A splitting (one inbound flow) gateway is the stock one. Deploy refuses gateways that
 * both join and split (adapters/bpmn/support.ts).
 */
export function JoinSafeInclusiveGateway(
  activityDefinition: { readonly id: string },
  context: GatewayContext,
): unknown {
  if (context.getInboundSequenceFlows(activityDefinition.id).length > 1) {
    return JoinSafeParallelGateway(activityDefinition, context);
  }
  return (InclusiveGateway as unknown as (definition: object, context: unknown) => unknown)(
    activityDefinition,
    context,
  );
}
