/** Composition root, forms: versions edited in the browser, seeded from `forms/` (docs/adr/0028). */
import type { Logger } from 'pino';
import type { Connection } from 'mongoose';
import { FileFormSeeds, VersionedForms } from '../adapters/forms/versioned-forms.js';
import { MongoFormVersionStore } from '../adapters/persistence/mongo-form-versions.js';
import { FormVersions } from '../app/form-versions.js';
import type { Clock } from '../domain/clock.js';
import type { MailPolicy } from '../domain/mail-policy.js';

/**
 * Form versions (a `forms/` file changed since it was seeded becomes a new version, unless the
 * form was edited in the browser since) and the validator/renderer source reading pinned versions.
 */
export async function wireForms(deps: {
  connection: Connection;
  formsDir: string;
  mailPolicy: MailPolicy;
  /** Directory accounts that count as institutional (docs/adr/0030). */
  institutionalAddresses: (email: string) => boolean;
  clock: Clock;
  logger: Logger;
}): Promise<{ formVersions: FormVersions; forms: VersionedForms }> {
  const formVersions = new FormVersions({
    store: new MongoFormVersionStore(deps.connection),
    clock: deps.clock,
    seeds: new FileFormSeeds(deps.formsDir),
  });
  for (const refresh of await formVersions.refreshSeeds()) {
    deps.logger.warn(
      refresh,
      'form file changed since seeded (updated: new version; kept: edited in the browser)',
    );
  }
  const forms = new VersionedForms(formVersions, {
    mailPolicy: deps.mailPolicy,
    institutionalAddresses: deps.institutionalAddresses,
  });
  return { formVersions, forms };
}
