/**
 * Satisfaction survey answers (issue 11, docs/adr/0025): one per ticket, given through a survey
 * link or typed in from a paper ballot by an agent; audited as `survey.answered`.
 */
import { AppError, type FieldIssue } from './errors.js';

/** Audit type of a survey answer (data: rating, comment, via). */
export const SURVEY_EVENT = 'survey.answered';
/** Longest comment. */
export const MAX_SURVEY_COMMENT = 2000;

/** How the answer came in. */
export type SurveyChannel = 'link' | 'paper';

/** A stored answer (`survey_answers`, `_id` = instance id). */
export interface SurveyAnswer {
  /** 1 (very unsatisfied) to 5 (very satisfied). */
  readonly rating: number;
  readonly comment: string;
  readonly via: SurveyChannel;
  readonly at: Date;
  /** `requester:<email>` for a link answer, the agent's id for a paper ballot. */
  readonly by: string;
}

/** The rating and comment of a submitted form, validated. */
export interface SurveyInput {
  readonly rating: number;
  readonly comment: string;
}

/**
 * Validates form fields `rating` (required, whole number 1–5) and `comment` (optional, at most
 * 2000 characters); VALIDATION_FAILED lists each field's problem.
 */
export function parseSurveyInput(body: Record<string, unknown>): SurveyInput {
  const issues: FieldIssue[] = [];
  const ratingText = typeof body.rating === 'string' ? body.rating.trim() : '';
  const rating = /^[1-5]$/.test(ratingText) ? Number(ratingText) : NaN;
  if (!ratingText)
    issues.push({ path: 'rating', reason: 'required', message: 'rating is required (1 to 5)' });
  else if (Number.isNaN(rating))
    issues.push({ path: 'rating', reason: 'range', message: 'rating must be a whole number from 1 to 5' });
  const comment = typeof body.comment === 'string' ? body.comment.replace(/\r\n/g, '\n').trim() : '';
  if (comment.length > MAX_SURVEY_COMMENT)
    issues.push({
      path: 'comment',
      reason: 'maxLength',
      message: `comment must be at most ${MAX_SURVEY_COMMENT} characters (got ${comment.length})`,
    });
  if (issues.length) throw new AppError('VALIDATION_FAILED', 'the survey answer is not valid', issues);
  return { rating, comment };
}
