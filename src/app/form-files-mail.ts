/**
 * Ticket files attached to outgoing email (docs/adr/0032): a send task's `attach` variable names a
 * filepicker's files; the outbox message keeps their references and the dispatcher loads the bytes
 * here, at delivery time.
 */
import type { OutboxMessage } from '../domain/instance.js';
import type { AttachmentService } from './attachment-service.js';
import type { MailAttachments, MailFile } from './notification-ports.js';

/** Default largest total of the files of one email (10 MiB): larger sets stay on the tracking page. */
export const DEFAULT_MAIL_FILES_MAX_BYTES = 10 * 1024 * 1024;

/**
 * The loader the dispatcher uses: only public files of the message's own ticket are mailed (a
 * reference naming another ticket's or an internal file is left out, whatever the data says), and
 * only while the total stays within `maxTotalBytes` (sizes from the stored metadata, before any
 * byte is read); the rest are returned as `omitted`, for the email to point to the tracking page.
 */
export function mailAttachments(
  attachments: Pick<AttachmentService, 'describe' | 'read'>,
  maxTotalBytes = DEFAULT_MAIL_FILES_MAX_BYTES,
): MailAttachments {
  return {
    async load(message: OutboxMessage) {
      const files: MailFile[] = [];
      const omitted: string[] = [];
      let total = 0;
      for (const ref of (message.attachments ?? []).slice(0, 10)) {
        const meta = await attachments.describe(ref.id);
        if (!meta || meta.instanceId !== message.instanceId || meta.visibility !== 'public') {
          continue; // not this ticket's public file: never mailed, never named
        }
        if (total + meta.size > maxTotalBytes) {
          omitted.push(meta.name);
          continue;
        }
        total += meta.size;
        files.push({
          filename: meta.name,
          content: await attachments.read(meta),
          contentType: meta.contentType,
        });
      }
      return { files, omitted };
    },
  };
}
