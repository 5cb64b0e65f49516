import { formatDuration, jsonForScript } from '../../../src/http/web/core/handlebars-helpers.js';
import { safeNextPath } from '../../../src/http/web/core/safe-next.js';
import { passwordIssues, profileIssues, usernameIssues } from '../../../src/domain/account.js';

describe('web core helpers', () => {
  test.each([
    [0, '0 min'],
    [7 * 60_000 + 59_000, '7 min'],
    [2 * 3_600_000 + 5 * 60_000, '2 h 05 min'],
    [26 * 3_600_000 + 30 * 60_000, '1 d 2 h'],
    [-90 * 60_000, '-1 h 30 min'],
  ])('given %d ms, then formatDuration says %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test('given text that could close the script block, then jsonForScript escapes it and stays valid JSON', () => {
    const value = { note: '</script><script>alert(1)</script> & \u2028' };

    const json = jsonForScript(value);

    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  test.each([
    ['/inbox?status=open', '/inbox?status=open'],
    ['/tasks/t-1#form', '/tasks/t-1#form'],
    ['//evil.example/x', undefined],
    ['/\\evil.example', undefined],
    ['https://evil.example/', undefined],
    ['javascript:alert(1)', undefined],
    ['/login', undefined],
    ['/.//evil.example', undefined],
    ['/..//evil.example', undefined],
    ['/a/..//evil.example', undefined],
    ['/%2e//evil.example', undefined],
    ['/a/../inbox', '/inbox'],
    ['/ok\r\nSet-Cookie: x=1', undefined],
    [42, undefined],
  ])('given next=%j, then the safe path is %j', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});

describe('account rules', () => {
  test('given passwords, then only 10+ characters without edge spaces pass', () => {
    expect(passwordIssues('123456789')).toEqual([
      { path: 'password', reason: 'minLength', message: 'password must have at least 10 characters' },
    ]);
    expect(passwordIssues(' 1234567890')[0]?.reason).toBe('pattern');
    expect(passwordIssues('correct horse battery')).toEqual([]);
  });

  test('given usernames, then case is ignored and odd characters are refused', () => {
    expect(usernameIssues('Luis.Gil')).toEqual([]);
    expect(usernameIssues('a')[0]?.reason).toBe('pattern');
    expect(usernameIssues('luis gil')[0]?.reason).toBe('pattern');
    expect(usernameIssues('<script>')[0]?.reason).toBe('pattern');
  });

  test('given a profile with every mistake, then each field is named once per problem', () => {
    const issues = profileIssues({
      roles: ['root' as never],
      groups: ['ok', 'bad group'],
      language: 'fr' as never,
      email: 'nope',
    });

    expect(issues.map((i) => `${i.path}:${i.reason}`)).toEqual([
      'roles:enum',
      'groups:pattern',
      'language:enum',
      'email:format',
    ]);
  });
});
