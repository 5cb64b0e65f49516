import { hasRole, type Actor } from '../domain/actor.js';
import { AppError } from '../domain/errors.js';
import type { InstanceRecord, TaskRecord } from '../domain/instance.js';
import { candidateGroupsOf } from '../domain/sla/camunda-task.js';
import type { TaskRepository } from './ports.js';

/**
 * True when a staff member may see the ticket: supervisors always; an agent who started it, or has
 * (had) one of its tasks offered to a group of theirs or to them by name, assigned to or completed by them — the rule
 * of the instance page (InstanceService.get). Tasks are folded from the ticket's own steps (`_id` reads).
 */
export async function staffMaySee(
  head: InstanceRecord,
  actor: Actor,
  tasks: TaskRepository,
): Promise<boolean> {
  if (hasRole(actor, 'supervisor')) return true;
  if (!hasRole(actor, 'agent')) return false;
  if (head.startedBy === actor.id) return true;
  const list = await tasks.list({ instanceId: head.id, limit: 500 });
  return list.some((task) => involves(task, actor));
}

/** FORBIDDEN (naming the ticket) unless `staffMaySee`. */
export async function assertStaffMaySee(
  head: InstanceRecord,
  actor: Actor,
  tasks: TaskRepository,
): Promise<void> {
  if (!(await staffMaySee(head, actor, tasks))) {
    throw new AppError('FORBIDDEN', `ticket <${head.businessKey}> is not visible to you`);
  }
}

function involves(task: TaskRecord, actor: Actor): boolean {
  return (
    task.assignee === actor.id ||
    task.completedBy === actor.id ||
    // A task without candidate groups is offered to every agent (as TaskService has it).
    task.candidateGroups.length === 0 ||
    // Its groups, or the actor's own `user:<id>` entry (camunda:candidateUsers, ADR 0031).
    task.candidateGroups.some((group) => candidateGroupsOf(actor).includes(group))
  );
}
