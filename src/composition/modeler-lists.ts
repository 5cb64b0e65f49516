import type { CalendarRegistry } from '../app/calendar-registry.js';
import { listMessageTemplates } from '../adapters/mail/template-catalogue.js';
import type { ModelerLists } from '../http/web/analyst/panel-lists.js';

/** The modeler panel's lists: the message template folder and the loaded business calendars. */
export function modelerLists(messageTemplatesDir: string, calendars: CalendarRegistry): ModelerLists {
  return {
    templates: () => listMessageTemplates(messageTemplatesDir),
    calendars: () => calendars.list().map(({ id, timeZone }) => ({ id, timeZone })),
  };
}
