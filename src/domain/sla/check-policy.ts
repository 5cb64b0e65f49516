import type { FieldIssue } from '../errors.js';
import type { ProcedureCatalog } from '../procedure.js';
import type { SlaPolicy } from './policy.js';

/**
 * Activities a policy names that the procedure does not have. A typo there would leave a
 * clock that never starts, never pauses or never stops, so it is reported.
 */
export function policyIssues(policy: SlaPolicy, catalog: ProcedureCatalog): FieldIssue[] {
  const activities = new Set([
    ...Object.keys(catalog.userTasks),
    ...Object.keys(catalog.sendTasks),
    ...Object.keys(catalog.timers),
    ...Object.keys(catalog.waits ?? {}),
  ]);
  const issues: FieldIssue[] = [];
  const unknownActivity = (id: string | undefined, path: string) => {
    if (id !== undefined && !activities.has(id))
      issues.push({
        path,
        reason: 'sla-activity',
        message: `${path}: procedure <${policy.procedureId}> has no activity <${id}>`,
      });
  };
  policy.targets.forEach((target, i) => {
    const at = `targets[${i}]`;
    unknownActivity(
      'activityActive' in target.start ? target.start.activityActive : undefined,
      `${at}.start`,
    );
    unknownActivity(
      'activityCompleted' in target.stop ? target.stop.activityCompleted : undefined,
      `${at}.stop`,
    );
    target.pauseWhile.forEach((id, j) => unknownActivity(id, `${at}.pauseWhile[${j}]`));
  });
  return issues;
}
