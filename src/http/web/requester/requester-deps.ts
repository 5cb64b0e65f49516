import type { AttachmentService } from '../../../app/attachment-service.js';
import type { ConversationService } from '../../../app/conversation-service.js';
import type { DefinitionsService } from '../../../app/definitions-service.js';
import type { InstanceLog } from '../../../app/instance-log.js';
import type { MessageService } from '../../../app/message-service.js';
import type { RequesterLinks } from '../../../app/requester-links.js';
import type { RequesterLookup } from '../../../app/requester-lookup.js';
import type { SatisfactionSurvey } from '../../../app/satisfaction-survey.js';

/** What the requester pages (tracking, survey, lookup) and their staff controls need (issue 11). */
export interface RequesterWebDeps {
  readonly links: RequesterLinks;
  readonly lookup: RequesterLookup;
  readonly survey: SatisfactionSurvey;
  readonly conversation: ConversationService;
  readonly attachments: AttachmentService;
  readonly messages: MessageService;
  readonly log: InstanceLog;
  readonly definitions: DefinitionsService;
  readonly secureCookies: boolean;
}
