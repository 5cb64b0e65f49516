import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import type { TimerKind, TimerSpec } from '../../domain/procedure.js';
import { camundaProperties } from './camunda-properties.js';
import { CATALOG_KEY } from './catalog-ids.js';
import { list } from './flow-graph.js';
import { issue } from './support.js';

const TIMER_PROPERTY = { duration: 'timeDuration', date: 'timeDate', cycle: 'timeCycle' } as const;
const ISO_DURATION =
  /^P(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;

/**
 * The catalog entry of a timer event (start, intermediate or boundary), or undefined for other
 * nodes. It needs exactly one non-empty timeDuration / timeDate / timeCycle, valid for its kind
 * or a `${ ... }` expression; camunda property `calendar` (a calendar id) only with a timeDuration.
 * Violations go to `issues`.
 */
export function timerSpec(node: ModdleElement, issues: FieldIssue[]): TimerSpec | undefined {
  const definition = list(node, 'eventDefinitions').find((d) => d.$type === 'bpmn:TimerEventDefinition');
  if (!definition) return undefined;
  const id = String(node.id);
  const kinds = (['duration', 'date', 'cycle'] as const).filter((kind) => definition[TIMER_PROPERTY[kind]]);
  const kind = kinds[0];
  const value = kind ? String((definition[TIMER_PROPERTY[kind]] as ModdleElement).body ?? '').trim() : '';
  if (!kind || kinds.length > 1 || !value) {
    issues.push(
      issue(id, 'timer', `timer <${id}> needs exactly one non-empty timeDuration, timeDate or timeCycle`),
    );
  } else if (!validTimerValue(kind, value)) {
    issues.push(issue(id, 'timer', `timer <${id}> has an invalid ${TIMER_PROPERTY[kind]} "${value}"`));
  }
  const { calendar } = camundaProperties(node);
  if (calendar !== undefined && (kind !== 'duration' || !CATALOG_KEY.test(calendar))) {
    issues.push(
      issue(id, 'calendar', `timer <${id}>: calendar "${calendar}" needs a calendar id and a timeDuration`),
    );
  }
  const boundary = node.$type === 'bpmn:BoundaryEvent';
  const attachedTo = boundary ? (node.attachedToRef as ModdleElement | undefined)?.id : undefined;
  return {
    id,
    name: String(node.name ?? id),
    eventType: boundary ? 'boundary' : node.$type === 'bpmn:StartEvent' ? 'start' : 'intermediate',
    ...(attachedTo ? { attachedToRef: attachedTo } : {}),
    cancelActivity: boundary && node.cancelActivity !== false,
    kind: kind ?? 'duration',
    value,
    ...(calendar ? { calendar } : {}),
  };
}

function validTimerValue(kind: TimerKind, value: string): boolean {
  if (/^\$\{[\s\S]+\}$/.test(value)) return true;
  if (kind === 'duration') return ISO_DURATION.test(value);
  if (kind === 'date') return /^\d{4}-\d{2}-\d{2}(T|$)/.test(value) && !Number.isNaN(Date.parse(value));
  return /^R\d*\//.test(value);
}
