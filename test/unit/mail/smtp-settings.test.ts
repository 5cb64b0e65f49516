import { readSmtpSettings } from '../../../src/adapters/mail/smtp-settings.js';

const FROM = { HELPDESK_MAIL_FROM: 'Mesa de Ayuda <mesa@example.org>' };

describe('SMTP settings from the environment', () => {
  test('given no server, then mail is not configured', () => {
    expect(readSmtpSettings(FROM)).toBeUndefined();
  });

  test('given HELPDESK_SMTP_URL, then host, port, TLS and credentials come from it', () => {
    expect(
      readSmtpSettings({ ...FROM, HELPDESK_SMTP_URL: 'smtps://mesa%40example.org:p%3Ass@mail.example.org' }),
    ).toEqual({
      host: 'mail.example.org',
      port: 465,
      secure: true,
      auth: { user: 'mesa@example.org', pass: 'p:ss' },
      from: 'Mesa de Ayuda <mesa@example.org>',
    });
  });

  test('given discrete variables, then they are used with port 587 and STARTTLS by default', () => {
    expect(
      readSmtpSettings({
        ...FROM,
        HELPDESK_SMTP_HOST: 'relay',
        HELPDESK_SMTP_USER: 'u',
        HELPDESK_SMTP_PASSWORD: 'p',
      }),
    ).toEqual({
      host: 'relay',
      port: 587,
      secure: false,
      auth: { user: 'u', pass: 'p' },
      from: FROM.HELPDESK_MAIL_FROM,
    });
  });

  test.each([
    [{ HELPDESK_SMTP_HOST: 'relay' }, 'HELPDESK_MAIL_FROM is required'],
    [{ ...FROM, HELPDESK_SMTP_URL: 'http://relay' }, 'must use smtp: or smtps:'],
    [{ ...FROM, HELPDESK_SMTP_URL: 'not a url' }, 'must be a URL'],
    [
      { ...FROM, HELPDESK_SMTP_HOST: 'relay', HELPDESK_SMTP_PORT: '70000' },
      'HELPDESK_SMTP_PORT must be a port number',
    ],
    [
      { ...FROM, HELPDESK_SMTP_HOST: 'relay', HELPDESK_SMTP_SECURE: 'yes' },
      'HELPDESK_SMTP_SECURE must be true or false',
    ],
  ])('given %j, then it fails: %s', (env, message) => {
    expect(() => readSmtpSettings(env)).toThrow(message);
  });
});
