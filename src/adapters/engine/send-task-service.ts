import type { SentMessage } from '../../app/procedure-engine.js';

interface ActivityLike {
  readonly type: string;
  readonly id: string;
  readonly behaviour: Record<string, unknown>;
}

interface ExecuteMessage {
  readonly content: { readonly executionId: string };
}

/**
 * Engine extension giving send tasks a built-in behaviour: record that the message
 * is due and complete at once. Rendering and delivery happen outside the engine
 * (outbox), so no analyst-authored code or host service ever runs here.
 */
export function sendTaskExtension(sent: SentMessage[]) {
  return function extend(activity: ActivityLike): void {
    if (activity.type !== 'bpmn:SendTask') return;
    activity.behaviour.Service = function RecordMessage() {
      return {
        execute(message: ExecuteMessage, callback: (err: Error | null, output?: unknown) => void) {
          sent.push({ activityId: activity.id, executionId: message.content.executionId });
          callback(null);
        },
      };
    };
  };
}
