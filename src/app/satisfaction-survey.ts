import { hasRole, type Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import {
  SURVEY_EVENT,
  type SurveyAnswer,
  type SurveyChannel,
  type SurveyInput,
} from '../domain/satisfaction-survey.js';
import { bookkeepingTransition } from './build-transition.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceLog } from './instance-log.js';
import { retryOnConflict } from './retry.js';

/** Where answers live: `survey_answers`, `_id` = instance id (one answer per ticket). */
export interface SurveyAnswerStore {
  /** Inserts the ticket's answer; false when it has one already (any process). */
  insertAnswer(instanceId: string, answer: SurveyAnswer): Promise<boolean>;
  /** Undoes an insert whose audit step could not be committed. */
  removeAnswer(instanceId: string): Promise<void>;
  answerOf(instanceId: string): Promise<SurveyAnswer | null>;
}

/** Collaborators of the survey use cases. */
export interface SatisfactionSurveyDeps {
  readonly answers: SurveyAnswerStore;
  readonly log: InstanceLog;
  readonly definitions: DefinitionsService;
  readonly clock: Clock;
}

/**
 * Records satisfaction answers (docs/adr/0025): the answer is inserted in `survey_answers` (the
 * insert decides "one answer per ticket" across processes) and committed as the bookkeeping step
 * `survey.answered` `{ rating, comment, via }` — on running and ended tickets alike. Reports read
 * `survey_answers` by instance id (or the audit event).
 */
export class SatisfactionSurvey {
  constructor(private readonly deps: SatisfactionSurveyDeps) {}

  /** The requester's answer through a survey link the caller has checked for this instance. */
  answerByLink(instanceId: string, input: SurveyInput, actor: Actor): Promise<SurveyAnswer> {
    return this.record(instanceId, input, 'link', actor);
  }

  /** A paper ballot typed in by an agent or supervisor (the caller checked they may see the ticket). */
  recordPaper(instanceId: string, input: SurveyInput, actor: Actor): Promise<SurveyAnswer> {
    if (!hasRole(actor, 'agent') && !hasRole(actor, 'supervisor'))
      throw new AppError('FORBIDDEN', 'only agents and supervisors record paper ballots');
    return this.record(instanceId, input, 'paper', actor);
  }

  /** The ticket's answer, if any. */
  answerOf(instanceId: string): Promise<SurveyAnswer | null> {
    return this.deps.answers.answerOf(instanceId);
  }

  private async record(
    instanceId: string,
    input: SurveyInput,
    via: SurveyChannel,
    actor: Actor,
  ): Promise<SurveyAnswer> {
    const { log, answers, clock } = this.deps;
    const head = await log.load(instanceId); // INSTANCE_NOT_FOUND before anything is written
    const answer: SurveyAnswer = { ...input, via, at: clock.now(), by: actor.id };
    if (!(await answers.insertAnswer(instanceId, answer)))
      throw new AppError(
        'SURVEY_ALREADY_ANSWERED',
        `ticket <${head.businessKey}> already has a survey answer`,
        [
          {
            path: 'rating',
            reason: 'answered',
            message: 'this ticket was already rated; one answer per ticket',
          },
        ],
      );
    try {
      await retryOnConflict(() => this.commit(instanceId, answer, actor));
    } catch (error) {
      await answers.removeAnswer(instanceId).catch(() => undefined);
      throw error;
    }
    return answer;
  }

  private commit(instanceId: string, answer: SurveyAnswer, actor: Actor): Promise<void> {
    const { log, definitions } = this.deps;
    return log.exclusive(instanceId, async () => {
      const previous = await log.load(instanceId);
      const definition = await definitions.byId(previous.definitionId);
      const data = { rating: answer.rating, comment: answer.comment, via: answer.via };
      const step = { previous, catalog: definition.catalog, actor, now: answer.at, type: SURVEY_EVENT, data };
      const transition = bookkeepingTransition(step, {});
      // The step's head also carries `satisfaction` (what the reports fold per step, ADR 0027); the
      // engine does not hold it, so a later engine step drops it: the durable record is the event
      // and `survey_answers`.
      const satisfaction = { ...data, at: answer.at.toISOString() };
      const head = { ...transition.head, variables: { ...previous.variables, satisfaction } };
      await log.commit({ ...transition, head });
    });
  }
}
