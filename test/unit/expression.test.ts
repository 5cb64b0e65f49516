import { AppError } from '../../src/domain/errors.js';
import {
  CACHE_LIMIT,
  compileExpression,
  evaluate,
  MAX_DEPTH,
  MAX_LENGTH,
  parse,
  resolveTemplate,
  type Scope,
} from '../../src/domain/expression/index.js';

function run(source: string, scope: Scope = {}): unknown {
  return compileExpression(source).evaluate(scope);
}

function invalidError(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('EXPRESSION_INVALID');
    return error as AppError;
  }
  throw new Error('expected EXPRESSION_INVALID, but nothing was thrown');
}

const engineScope: Scope = {
  canGenerate: true,
  severity: 'blocking',
  channel: 'phone',
  retries: 3,
  tags: ['pacs', 'ris'],
  environment: { variables: { retries: 3, site: 'North' }, output: {} },
  content: { output: { decision: 'approve', score: 0.75 } },
};

describe('arithmetic and precedence', () => {
  test.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['20 / 4 / 5', 1],
    ['7 % 4', 3],
    ['-2 * 3', -6],
    ['- -2', 2],
    ['1.5 + 0.25', 1.75],
    ['2 * 3 + 4 * 5', 26],
  ])('given %s, when evaluated, then it is %p', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  test('given comparison and logic mixed with arithmetic, when evaluated, then arithmetic binds tighter', () => {
    expect(run('1 + 1 == 2 && 3 > 2 * 1')).toBe(true);
    expect(run('!false == true')).toBe(true);
  });
});

describe('strings', () => {
  test('given both quote styles and escapes, when evaluated, then the decoded text results', () => {
    expect(run(`"a\\"b"`)).toBe('a"b');
    expect(run(`'it\\'s'`)).toBe("it's");
    expect(run(`'back\\\\slash'`)).toBe('back\\slash');
    expect(run(`"line\\nbreak"`)).toBe('line\nbreak');
  });

  test('given + with a string operand, when evaluated, then it concatenates', () => {
    expect(run(`"ticket-" + 42`)).toBe('ticket-42');
    expect(run(`"a" + "b" + 1 + 2`)).toBe('ab12');
    expect(run(`"x" + missing`)).toBe('x');
  });
});

describe('comparisons', () => {
  test('given == and ===, when evaluated, then both are strict', () => {
    expect(run('1 == 1')).toBe(true);
    expect(run('1 === 1')).toBe(true);
    expect(run(`1 == "1"`)).toBe(false);
    expect(run(`0 == false`)).toBe(false);
    expect(run(`1 != "1"`)).toBe(true);
    expect(run(`1 !== 1`)).toBe(false);
  });

  test('given the conditions analysts write, when evaluated, then they decide as expected', () => {
    expect(run('canGenerate == true', engineScope)).toBe(true);
    expect(run(`severity == "blocking" && channel != "fax"`, engineScope)).toBe(true);
    expect(run('environment.variables.retries >= 3', engineScope)).toBe(true);
  });

  test('given ordering operators, when both sides are numbers or both strings, then they compare', () => {
    expect(run('2 < 3')).toBe(true);
    expect(run('3 <= 3')).toBe(true);
    expect(run('2 > 3')).toBe(false);
    expect(run('3 >= 4')).toBe(false);
    expect(run(`"apple" < "banana"`)).toBe(true);
  });

  test('given ordering operators, when types differ or a side is missing, then the result is false', () => {
    expect(run(`2 < "3"`)).toBe(false);
    expect(run(`"2" >= 1`)).toBe(false);
    expect(run('missing < 1')).toBe(false);
    expect(run('missing >= 1')).toBe(false);
    expect(run('null <= 0')).toBe(false);
  });
});

describe('logic', () => {
  test('given and/or/not keywords, when evaluated, then they behave like &&, ||, !', () => {
    expect(run('true and not false')).toBe(true);
    expect(run('false or true')).toBe(true);
    expect(run('not true or false')).toBe(false);
  });

  test('given || above &&, when evaluated, then && binds tighter', () => {
    expect(run('true || false && false')).toBe(true);
    expect(run('(true || false) && false')).toBe(false);
  });

  test('given a decided left side, when evaluated, then the right side is never read', () => {
    let reads = 0;
    const scope: Record<string, unknown> = {};
    Object.defineProperty(scope, 'spy', { enumerable: true, get: () => ++reads });
    expect(run('false && spy', scope)).toBe(false);
    expect(run('true || spy', scope)).toBe(true);
    expect(run('true ? 1 : spy', scope)).toBe(1);
    expect(reads).toBe(0);
    expect(run('true && spy', scope)).toBe(1);
  });

  test('given && and ||, when evaluated, then they yield an operand as in JavaScript', () => {
    expect(run(`missing || "fallback"`)).toBe('fallback');
    expect(run(`"x" && 0`)).toBe(0);
  });
});

describe('ternary', () => {
  test('given a condition, when evaluated, then the matching branch results', () => {
    expect(run(`retries > 2 ? "escalate" : "retry"`, engineScope)).toBe('escalate');
    expect(run(`retries > 5 ? "escalate" : "retry"`, engineScope)).toBe('retry');
  });

  test('given nested ternaries, when evaluated, then they associate to the right', () => {
    expect(run(`false ? 1 : true ? 2 : 3`)).toBe(2);
    expect(run(`1 + 1 == 2 ? "a" + "b" : "c"`)).toBe('ab');
  });
});

describe('member paths and missing variables', () => {
  test('given environment and content paths, when evaluated, then nested values are read', () => {
    expect(run('environment.variables.site', engineScope)).toBe('North');
    expect(run('content.output.decision', engineScope)).toBe('approve');
    expect(run(`content["output"]["score"]`, engineScope)).toBe(0.75);
    expect(run('tags[1]', engineScope)).toBe('ris');
    expect(run('tags[0 + 1]', engineScope)).toBe('ris');
    expect(run('tags.length', engineScope)).toBe(2);
  });

  test('given a missing variable or a path through missing data, when evaluated, then it is undefined and == null', () => {
    expect(run('nope', engineScope)).toBeUndefined();
    expect(run('nope.deeper.still', engineScope)).toBeUndefined();
    expect(run('environment.variables.nope', engineScope)).toBeUndefined();
    expect(run('nope == null', engineScope)).toBe(true);
    expect(run('nope != null', engineScope)).toBe(false);
    expect(run('tags[9]', engineScope)).toBeUndefined();
  });

  test('given inherited members, when read, then only own properties are visible', () => {
    expect(run('toString', engineScope)).toBeUndefined();
    expect(run('hasOwnProperty', engineScope)).toBeUndefined();
    expect(run('tags.map', engineScope)).toBeUndefined();
    expect(run('severity.length', engineScope)).toBeUndefined();
    expect(run('Object == null && process == null && globalThis == null', engineScope)).toBe(true);
  });

  test('given keywords after a dot, when evaluated, then they are property names', () => {
    expect(run('flags.not', { flags: { not: 1 } })).toBe(1);
  });
});

describe('whitelisted functions', () => {
  test.each([
    ['isEmpty(null)', true],
    ['isEmpty(missing)', true],
    [`isEmpty("")`, true],
    ['isEmpty(emptyList)', true],
    ['isEmpty(emptyObject)', true],
    [`isEmpty(" ")`, false],
    ['isEmpty(0)', false],
    ['isEmpty(tags)', false],
    [`contains("radiology", "log")`, true],
    [`contains(tags, "pacs")`, true],
    [`contains(tags, "lis")`, false],
    [`contains(missing, "x")`, false],
    [`lower("ABC")`, 'abc'],
    [`upper("abc")`, 'ABC'],
    [`length("abcd")`, 4],
    ['length(tags)', 2],
    ['length(missing)', 0],
    [`number("42") + 1`, 43],
    [`string(42) + "1"`, '421'],
    ['string(missing)', ''],
    [`lower(severity) == "blocking" && contains(tags, "ris")`, true],
  ])('given %s, when evaluated, then it is %p', (source, expected) => {
    expect(run(source, { ...engineScope, emptyList: [], emptyObject: {} })).toEqual(expected);
  });

  test('given a wrong number of arguments, when parsed, then it is rejected', () => {
    expect(invalidError(() => parse('lower()')).message).toContain('lower() takes 1 argument(s), got 0');
    invalidError(() => parse('contains(tags)'));
  });
});

describe('resolveTemplate', () => {
  test('given text that is exactly one placeholder, when resolved, then the value keeps its type', () => {
    expect(resolveTemplate('${ canGenerate == true }', engineScope)).toBe(true);
    expect(resolveTemplate('  ${ retries }  ', engineScope)).toBe(3);
    expect(resolveTemplate('${tags}', engineScope)).toBe(engineScope.tags);
    expect(resolveTemplate('${ nope }', engineScope)).toBeUndefined();
  });

  test('given placeholders mixed with text, when resolved, then a string with each value results', () => {
    expect(resolveTemplate('Site ${ environment.variables.site } has ${retries} retries', engineScope)).toBe(
      'Site North has 3 retries',
    );
    expect(resolveTemplate('[${ nope }|${ null }]', engineScope)).toBe('[|]');
    expect(resolveTemplate('${ 1 }${ 2 }', engineScope)).toBe('12');
  });

  test('given no placeholder, when resolved, then the text is unchanged', () => {
    expect(resolveTemplate('plain text { with braces }', engineScope)).toBe('plain text { with braces }');
    expect(resolveTemplate('', engineScope)).toBe('');
  });

  test('given a closing brace inside a string, when resolved, then it does not end the placeholder', () => {
    expect(resolveTemplate(`\${ "}" + "{" }`, {})).toBe('}{');
    expect(resolveTemplate(`a \${ 'x}y' } b`, {})).toBe('a x}y b');
  });

  test('given a placeholder that never closes, when resolved, then it is rejected', () => {
    invalidError(() => resolveTemplate('${ canGenerate == true', engineScope));
  });
});

describe('compileExpression', () => {
  test('given the same condition twice, when compiled, then it is parsed once and reused', () => {
    const first = compileExpression('retries >= 3');
    expect(compileExpression('  retries >= 3 ')).toBe(first);
    expect(first.evaluate(engineScope)).toBe(true);
    expect(first.evaluate({ retries: 1 })).toBe(false);
  });

  test('given more distinct conditions than the cache holds, when compiled, then the oldest is dropped', () => {
    const oldest = compileExpression('1 == 1 && "cache-probe" == "cache-probe"');
    for (let i = 0; i < CACHE_LIMIT; i++) compileExpression(`${i} == ${i}`);
    expect(compileExpression('1 == 1 && "cache-probe" == "cache-probe"')).not.toBe(oldest);
  });

  test('given a parsed tree, when evaluated directly, then it gives the same result', () => {
    expect(evaluate(parse('a.b + 1'), { a: { b: 1 } })).toBe(2);
  });
});

describe('invalid and hostile input', () => {
  test('given an incomplete expression, when parsed, then the message names the position and the problem', () => {
    expect(invalidError(() => parse('a ==')).message).toBe('expression "a ==" invalid at 4: unexpected end');
    expect(invalidError(() => parse('(a')).message).toBe(
      'expression "(a" invalid at 2: unexpected end, ")" expected',
    );
    expect(invalidError(() => parse('a b')).message).toBe('expression "a b" invalid at 2: unexpected "b"');
    expect(invalidError(() => parse('a # b')).message).toBe(
      'expression "a # b" invalid at 2: unexpected character "#"',
    );
  });

  test.each([
    'constructor.constructor("return process")()',
    'constructor',
    'a.constructor',
    `a["constructor"]`,
    `a[("constructor")]`,
    '__proto__',
    'a.__proto__.polluted',
    `a["__proto__"]`,
    'prototype',
    'a.prototype',
    `tags.map.constructor("return process")()`,
    `lower.constructor("return 1")`,
  ])('given %s, when parsed, then the forbidden name is rejected', (source) => {
    expect(invalidError(() => parse(source)).message).toMatch(/not allowed/);
  });

  test('given a forbidden name computed at run time, when evaluated, then nothing is read', () => {
    expect(run(`a["__pro" + "to__"]`, { a: {} })).toBeUndefined();
    expect(run(`a["con" + "structor"]`, { a: {} })).toBeUndefined();
    expect(run('a[key]', { a: {}, key: 'constructor' })).toBeUndefined();
  });

  test('given a forbidden word as a plain string value, when evaluated, then it is just text', () => {
    expect(run(`role == "constructor"`, { role: 'constructor' })).toBe(true);
  });

  test('given this, when evaluated, then it reads nothing of the host', () => {
    expect(run('this', engineScope)).toBeUndefined();
    expect(run('this == null')).toBe(true);
  });

  test.each([
    ['an unknown function', 'eval("1")', /unknown function "eval"/],
    ['a function held in data', 'fn()', /unknown function "fn"/],
    ['a method call', `severity.toUpperCase()`, /unexpected "\("/],
    ['a call on a parenthesised value', '(lower)("A")', /unexpected "\("/],
    ['require', `require("child_process")`, /unknown function "require"/],
    ['an assignment', 'a = 1', /invalid at 2: assignment is not allowed/],
    ['a compound assignment', 'a += 1', /invalid at 3: assignment is not allowed/],
    ['an unterminated string', `severity == "blocking`, /invalid at 12: unterminated string/],
    ['an arrow function', 'x => 1', /assignment is not allowed/],
    ['new', 'new Function("return 1")', /unexpected "Function"/],
    ['a statement separator', 'a; b', /unexpected character ";"/],
    ['a template literal', '`x`', /unexpected character "`"/],
    ['an empty expression', '', /unexpected end/],
  ])('given %s, when parsed, then it is rejected', (_name, source, message) => {
    expect(invalidError(() => parse(source)).message).toMatch(message);
  });

  test('given a function in the scope, when referenced, then it is never called', () => {
    let calls = 0;
    const fn = () => ++calls;
    expect(run('fn', { fn })).toBe(fn);
    expect(run('fn.call', { fn })).toBeUndefined();
    expect(run(`"" + fn.name`, { fn })).toBe('');
    expect(calls).toBe(0);
  });

  test('given input over the length limit, when parsed, then it is rejected', () => {
    expect(invalidError(() => parse('a'.repeat(MAX_LENGTH + 1))).message).toMatch(
      /longer than 2000 characters/,
    );
    expect(run(`"${'x'.repeat(MAX_LENGTH - 2)}"`)).toHaveLength(MAX_LENGTH - 2);
  });

  test.each([
    ['parentheses', `${'('.repeat(MAX_DEPTH + 1)}1${')'.repeat(MAX_DEPTH + 1)}`],
    ['negations', `${'!'.repeat(MAX_DEPTH + 1)}true`],
    ['a member chain', `a${'.b'.repeat(MAX_DEPTH)}`],
    ['an operator chain', `1${' + 1'.repeat(MAX_DEPTH)}`],
    ['nested calls', `${'lower('.repeat(MAX_DEPTH + 1)}"x"${')'.repeat(MAX_DEPTH + 1)}`],
    ['very deep brackets', 'a['.repeat(999)],
  ])('given deeply nested %s, when parsed, then it is rejected', (_name, source) => {
    expect(invalidError(() => parse(source)).message).toMatch(/nested deeper than 50 levels/);
  });

  test('given nesting within the limit, when evaluated, then it works', () => {
    expect(run(`${'('.repeat(40)}1${')'.repeat(40)}`)).toBe(1);
    expect(run(`${'!'.repeat(40)}true`)).toBe(true);
  });
});
