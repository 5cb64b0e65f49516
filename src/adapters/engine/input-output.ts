import { resolveTemplate } from '../../domain/expression/index.js';
import type { TmpSubscriber } from './broker-types.js';

/** One `camunda:inputParameter` / `camunda:outputParameter` with a text value (ADR 0031). */
interface Parameter {
  readonly name: string;
  /** Null for a parameter without a value (Camunda sets null). */
  readonly value: string | null;
}

interface Mappings {
  readonly inputs: readonly Parameter[];
  readonly outputs: readonly Parameter[];
}

interface BrokerMessage {
  readonly fields?: { readonly redelivered?: boolean };
  readonly content: { readonly isRootScope?: boolean };
}

interface ActivityLike {
  readonly id: string;
  readonly behaviour?: { readonly extensionElements?: { readonly values?: readonly unknown[] } };
  readonly environment: { readonly variables: Record<string, unknown> };
  readonly broker: TmpSubscriber<BrokerMessage>;
}

/**
 * Engine extension applying data-only `camunda:inputOutput` mappings (ADR 0031): a parameter's
 * value is literal text or text with `${ }` of the safe expression language, evaluated over the
 * instance variables (an expression that fails gives null, as the call mappings do). There are
 * no local scopes: input parameters set instance variables when the activity starts, output
 * parameters when its work completes (after the task's data is merged, before its outgoing flows).
 * Everything assigned is also collected in `assigned`, which the runner merges into every saved
 * environment. Lists, maps and scripts are refused at deploy (support.ts).
 */
export function inputOutputExtension(assigned: Record<string, unknown>) {
  return function extend(activity: ActivityLike): undefined {
    const mappings = mappingsOf(activity);
    if (!mappings) return undefined;
    const apply = (parameters: readonly Parameter[]) => {
      const variables = activity.environment.variables;
      for (const { name, value } of parameters) {
        const resolved = resolve(value, { ...variables, ...assigned });
        variables[name] = resolved;
        assigned[name] = resolved;
      }
    };
    const options = (tag: string) => ({ noAck: true, consumerTag: tag, priority: 10_000 });
    if (mappings.inputs.length) {
      activity.broker.subscribeTmp(
        'execution',
        'execute.start',
        (_key, message) => {
          if (message.content.isRootScope && !message.fields?.redelivered) apply(mappings.inputs);
        },
        options('_helpdesk-io-inputs'),
      );
    }
    if (mappings.outputs.length) {
      activity.broker.subscribeTmp(
        'execution',
        'execute.completed',
        (_key, message) => {
          if (message.content.isRootScope) apply(mappings.outputs);
        },
        options('_helpdesk-io-outputs'),
      );
    }
    return undefined;
  };
}

function resolve(value: string | null, scope: Record<string, unknown>): unknown {
  if (value === null || !value.includes('${')) return value;
  try {
    return resolveTemplate(value, scope);
  } catch {
    return null;
  }
}

/** The text parameters of the activity's `camunda:inputOutput`, if it has one. */
function mappingsOf(activity: ActivityLike): Mappings | undefined {
  const io = (activity.behaviour?.extensionElements?.values ?? []).find(
    (value) => (value as { $type?: unknown }).$type === 'camunda:InputOutput',
  ) as { inputParameters?: unknown; outputParameters?: unknown } | undefined;
  if (!io) return undefined;
  return { inputs: parameters(io.inputParameters), outputs: parameters(io.outputParameters) };
}

function parameters(list: unknown): Parameter[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((parameter: { name?: unknown; value?: unknown; definition?: unknown }) =>
    typeof parameter.name === 'string' && !parameter.definition
      ? [{ name: parameter.name, value: typeof parameter.value === 'string' ? parameter.value : null }]
      : [],
  );
}
