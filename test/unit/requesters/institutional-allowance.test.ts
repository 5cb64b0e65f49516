import { readFileSync } from 'node:fs';
import { parseFormFile, validateSubmission } from '../../../src/domain/forms/index.js';
import { InstitutionalAccounts } from '../../../src/app/requester-directory-institutional.js';
import { ManualClock } from '../../support/manual-clock.js';
import { thrown } from '../../support/errors.js';

/** The ISSSTE step 7 form: the requester email must be @issste.gob.mx (or have one in copy). */
const form = parseFormFile(readFileSync('forms/cita-validate-info.form', 'utf8'), 'cita-validate-info.form');

describe('institutional-email rule with the directory flag (ADR 0030)', () => {
  test('given a personal address the directory flags institutional, then the rule accepts it; others are still refused', async () => {
    const clock = new ManualClock(new Date('2026-03-12T10:00:00Z'));
    const accounts = new InstitutionalAccounts(async () => ['jefa.unidad@gmail.com'], clock);
    await accounts.refresh();
    const submission = (email: string) => ({ requesterEmail: email, infoValid: true });
    const options = { institutionalAddresses: accounts.has };

    const valid = (email: string) => {
      try {
        validateSubmission(form, submission(email), options);
        return [];
      } catch (error) {
        return (error as { details: { path: string; reason: string }[] }).details
          .filter((d) => d.reason === 'institutional-email')
          .map((d) => d.path);
      }
    };
    expect(valid('Jefa.Unidad@gmail.com')).toEqual([]);
    expect(valid('otra.persona@gmail.com')).toEqual(['requesterEmail']);
    // Without the allowance the flagged address is refused as before.
    const refused = thrown(() => validateSubmission(form, submission('jefa.unidad@gmail.com')));
    expect(refused.details.map((d: { reason: string }) => d.reason)).toContain('institutional-email');
  });
});
