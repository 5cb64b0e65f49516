/**
 * Out-of-hours requests (issue 14, docs/adr/0030): whatever the channel, a ticket's `receivedAt`
 * (given by the start form, else the start instant) is checked against the desk's business calendar
 * (process property `calendar`). `receivedOutsideHours` is computed, never typed; outside hours the
 * requester with an email gets a courtesy reply with the service hours in their language.
 */
import type { BusinessCalendar } from '../domain/calendar/business-calendar.js';
import {
  formatLocalInstant,
  outOfHoursAt,
  receptionInstant,
  serviceHoursText,
} from '../domain/calendar/service-hours.js';
import type { OutboxMessage } from '../domain/instance.js';
import type { ProcedureCatalog } from '../domain/procedure.js';
import { requesterOfVariables } from '../domain/requester-form.js';
import { messageVariables } from './build-transition.js';
import type { CalendarRegistry } from './calendar-registry.js';
import { isRecord } from '../domain/forms/data-path.js';

/** The computed start variable (a submitted value is dropped). */
export const OUTSIDE_HOURS_VARIABLE = 'receivedOutsideHours';
/** The start variable with the reception instant (kept as given by the form, else the start, ISO). */
export const RECEIVED_AT_VARIABLE = 'receivedAt';
/** The start variable with the instant the desk reopens (ISO), set only outside hours. */
export const REOPENS_AT_VARIABLE = 'serviceReopensAt';
/** Template of the courtesy reply (`templates/messages/out-of-hours.<lang>.hbs`). */
export const COURTESY_TEMPLATE = 'out-of-hours';

/** What a ticket start gets from the desk's calendar. */
export interface OutOfHoursStart {
  readonly variables: Record<string, unknown>;
  /** The courtesy reply of the opening step, once the ticket id and number are known. */
  readonly courtesy?: (ticket: { instanceId: string; businessKey: string; seq: number }) => OutboxMessage;
}

/** Collaborators: the calendars, and the requester's preferred language when the directory knows it. */
export interface OutOfHoursDeps {
  readonly calendars: Pick<CalendarRegistry, 'has' | 'get'>;
  readonly languageOf?: (email: string) => Promise<string | undefined>;
}

/** Computes the out-of-hours facts of a ticket start. */
export class OutOfHours {
  constructor(private readonly deps: OutOfHoursDeps) {}

  /** The desk calendar of a procedure, when it names one the registry has. */
  calendarOf(catalog: ProcedureCatalog): BusinessCalendar | undefined {
    const id = catalog.calendar;
    return id && this.deps.calendars.has(id) ? this.deps.calendars.get(id) : undefined;
  }

  /** The submitted start data without the computed field, for a procedure that has a calendar. */
  input(catalog: ProcedureCatalog, input: unknown): unknown {
    if (!this.calendarOf(catalog) || !isRecord(input) || !Object.hasOwn(input, OUTSIDE_HOURS_VARIABLE))
      return input;
    const { [OUTSIDE_HOURS_VARIABLE]: _typed, ...rest } = input;
    return rest;
  }

  /**
   * The start variables completed: `receivedAt` (kept, or the start instant) and, with a calendar,
   * `receivedOutsideHours` and `serviceReopensAt`; outside hours with a requester email, the
   * courtesy reply (to `requester`, in the directory's language for that email, else the procedure's).
   */
  async prepare(
    catalog: ProcedureCatalog,
    variables: Readonly<Record<string, unknown>>,
    now: Date,
  ): Promise<OutOfHoursStart> {
    const given = variables[RECEIVED_AT_VARIABLE];
    const withReceived =
      given === undefined ? { ...variables, [RECEIVED_AT_VARIABLE]: now.toISOString() } : { ...variables };
    const calendar = this.calendarOf(catalog);
    if (!calendar) return { variables: withReceived };
    const receivedAt = receptionInstant(given, calendar.timeZone, now);
    const fact = outOfHoursAt(calendar, receivedAt);
    const computed = {
      ...withReceived,
      [OUTSIDE_HOURS_VARIABLE]: fact.outside,
      ...(fact.outside ? { [REOPENS_AT_VARIABLE]: fact.reopensAt.toISOString() } : {}),
    };
    const email = requesterOfVariables(computed).email;
    if (!fact.outside || !email) return { variables: computed };
    const language = (await this.deps.languageOf?.(email).catch(() => undefined)) ?? catalog.language;
    const extra = {
      serviceHours: calendar.spec ? serviceHoursText(calendar.spec, language) : '',
      reopensAt: formatLocalInstant(fact.reopensAt, calendar.timeZone, language),
      receivedAtText: formatLocalInstant(receivedAt, calendar.timeZone, language),
    };
    return {
      variables: computed,
      courtesy: ({ instanceId, businessKey, seq }) => ({
        id: `${instanceId}:${seq}:${COURTESY_TEMPLATE}`,
        instanceId,
        activityId: COURTESY_TEMPLATE,
        template: COURTESY_TEMPLATE,
        to: 'requester',
        language,
        variables: { ...messageVariables(computed, businessKey, catalog), ...extra },
        createdAt: now,
      }),
    };
  }
}
