import { Router, type Request } from 'express';
import type { Clock } from '../../../domain/clock.js';
import { hasRole, type Actor } from '../../../domain/actor.js';
import { AppError, isAppError } from '../../../domain/errors.js';
import { requesterEmailOf } from '../../../domain/requester-link.js';
import { MAX_SURVEY_COMMENT, parseSurveyInput } from '../../../domain/satisfaction-survey.js';
import { SURVEY_TEMPLATES } from '../../../app/requester-link-mail.js';
import { revokeRequesterLinks } from '../../../app/requester-staff.js';
import { safeNextPath } from '../core/safe-next.js';
import { webUser } from '../page.js';
import type { RequesterWebDeps } from './requester-deps.js';

/**
 * The requester section of the instance and task pages (partial `requester-panel`): the survey
 * answer, a flag when the procedure sends a survey but the requester has no email, the paper-ballot
 * form (agents and supervisors who may see the ticket) and the revoke button (supervisors).
 */
export function requesterPanel(deps: RequesterWebDeps) {
  return async (instanceId: string, user: Actor): Promise<Record<string, unknown>> => {
    const head = await deps.log.load(instanceId);
    const { catalog } = await deps.definitions.byId(head.definitionId);
    const [answer, revokedAt] = await Promise.all([
      deps.survey.answerOf(instanceId),
      deps.links.revokedAt(instanceId),
    ]);
    const sendsSurvey = Object.values(catalog.sendTasks).some((task) => SURVEY_TEMPLATES.has(task.template));
    const base = `/requester-staff/${encodeURIComponent(instanceId)}`;
    const survey = sendsSurvey || Boolean(answer);
    const mayRevoke = hasRole(user, 'supervisor');
    if (!survey && !mayRevoke) return {};
    return {
      requesterPanel: {
        email: requesterEmailOf(head.variables),
        noEmailForSurvey: sendsSurvey && !requesterEmailOf(head.variables) && !answer,
        answer,
        revokedAt,
        ratings: [1, 2, 3, 4, 5],
        maxComment: MAX_SURVEY_COMMENT,
        paperUrl: `${base}/paper-ballot`,
        revokeUrl: `${base}/revoke`,
        survey,
        mayRevoke,
        mayRecord: survey && !answer && (hasRole(user, 'agent') || hasRole(user, 'supervisor')),
      },
    };
  };
}

/**
 * Staff actions (after login and CSRF): `POST /requester-staff/:instanceId/revoke` (supervisor)
 * and `POST /requester-staff/:instanceId/paper-ballot` (agents who may see the ticket, supervisors).
 * Both go back to the page they were posted from (`back`, a same-origin path).
 */
export function requesterStaffRoutes(deps: RequesterWebDeps & { readonly clock: Clock }): Router {
  const router = Router();

  router.post('/requester-staff/:instanceId/revoke', async (req, res) => {
    const instanceId = String(req.params.instanceId);
    await revokeRequesterLinks(deps, instanceId, webUser(req));
    res.redirect(303, backTo(req, instanceId, 'revoked'));
  });

  router.post('/requester-staff/:instanceId/paper-ballot', async (req, res) => {
    const instanceId = String(req.params.instanceId);
    const user = webUser(req);
    await deps.conversation.assertStaff(instanceId, user);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await deps.survey.recordPaper(instanceId, parseSurveyInput(body), user);
    } catch (error) {
      if (!isAppError(error) || !['VALIDATION_FAILED', 'SURVEY_ALREADY_ANSWERED'].includes(error.code))
        throw error;
      const reason = error.details[0]?.reason ?? 'invalid';
      return res.redirect(303, backTo(req, instanceId, `ballot-${reason}`));
    }
    res.redirect(303, backTo(req, instanceId, 'ballot'));
  });

  return router;
}

function backTo(req: Request, instanceId: string, notice: string): string {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const back = safeNextPath(body.back) ?? `/supervisor/instances/${encodeURIComponent(instanceId)}`;
  const path = back.split('#')[0] ?? back;
  if (!/^[a-z-]{1,40}$/.test(notice)) throw new AppError('BAD_REQUEST', 'bad notice');
  return `${path}${path.includes('?') ? '&' : '?'}requester=${notice}#requester`;
}
