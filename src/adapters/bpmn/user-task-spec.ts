import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import type { UserTaskSpec } from '../../domain/procedure.js';
import { catalogFormKey } from './catalog-forms.js';

/**
 * The catalog entry of a user task: `camunda:candidateGroups`, else the lane's id unless
 * `camunda:candidateUsers` offers it to those users only (ADR 0031); its form (the generated
 * one's key, else `camunda:formKey` / `camunda:formRef`, refusals going to `issues`); assignee,
 * candidate users, due and follow-up dates.
 */
export function userTaskSpec(
  node: ModdleElement,
  laneId: string | undefined,
  issues: FieldIssue[],
  generatedKey?: string,
): UserTaskSpec {
  const explicit = typeof node.candidateGroups === 'string' ? splitList(node.candidateGroups) : [];
  const formKey = generatedKey ?? catalogFormKey(node, issues);
  // Candidate users alone offer the task to them only, not to the lane (ADR 0031).
  const usersOnly = typeof node.candidateUsers === 'string' && node.candidateUsers.trim() !== '';
  return {
    id: String(node.id),
    name: String(node.name ?? node.id),
    candidateGroups: explicit.length ? explicit : laneId && !usersOnly ? [laneId] : [],
    ...(laneId ? { laneId } : {}),
    ...(formKey !== undefined ? { formKey } : {}),
    ...(typeof node.assignee === 'string' && node.assignee.trim() ? { assignee: node.assignee.trim() } : {}),
    ...camundaTaskExtras(node),
  };
}

/** `camunda:candidateUsers`, `dueDate`, `followUpDate` of a user task (ADR 0031). */
function camundaTaskExtras(node: ModdleElement): Partial<UserTaskSpec> {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const users = text(node.candidateUsers) ? splitList(String(node.candidateUsers)) : [];
  const dueDate = text(node.dueDate);
  const followUpDate = text(node.followUpDate);
  return {
    ...(users.length ? { candidateUsers: users } : {}),
    ...(dueDate ? { dueDate } : {}),
    ...(followUpDate ? { followUpDate } : {}),
  };
}

/** The distinct non-empty items of a comma-separated list, in order. */
function splitList(value: string): string[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
}
