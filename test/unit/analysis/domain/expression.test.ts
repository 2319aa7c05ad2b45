import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, ExpressionError, ExpressionEvaluationError, namesIn, parseCondition, parseExpression } from '../../../../functions/analysis/domain/expression.ts';

describe('analysis conditions: what they accept', () => {
  const cases: Array<[string, Record<string, number>, boolean]> = [
    ['result <= 0.01', { result: 0.005 }, true],
    ['result <= 0.01', { result: 0.02 }, false],
    ['result <= baseline * 1.5', { result: 812, baseline: 240 }, false],
    ['result <= baseline * 1.5', { result: 300, baseline: 240 }, true],
    ['result - baseline < 50', { result: 280, baseline: 240 }, true],
    ['result / baseline > 2', { result: 10, baseline: 0 }, true],
    ['-result < 0', { result: 3 }, true],
    ['--result == 3', { result: 3 }, true],
    ['(result + 1) * 2 == 8', { result: 3 }, true],
    ['result + 1 * 2 == 5', { result: 3 }, true],
    ['1e-3 < result', { result: 0.01 }, true],
    ['.5 == result', { result: 0.5 }, true],
    ['result != 0', { result: 0 }, false],
    ['result >= 1 and result < 5', { result: 3 }, true],
    ['result < 1 or result > 5', { result: 3 }, false],
    ['not result > 5', { result: 3 }, true],
    ['not (result > 1 and baseline > 1) or result == 0', { result: 3, baseline: 2 }, false],
    ['result > 1 or result > 0 and result > 10', { result: 2 }, true],
  ];
  for (const [source, values, expected] of cases) {
    it(`${source} with ${JSON.stringify(values)} → ${expected}`, () => {
      assert.equal(evaluate(parseCondition(source), values), expected);
    });
  }

  it('tells which names a condition reads', () => {
    assert.deepEqual([...namesIn(parseCondition('result <= 0.01'))], ['result']);
    assert.deepEqual([...namesIn(parseCondition('result <= baseline * 1.5'))].sort(), ['baseline', 'result']);
  });

  it('computes numbers when asked for a number (metric math in the local AWS)', () => {
    assert.equal(evaluate(parseExpression('errors / requests * 100', { names: ['errors', 'requests'], type: 'number' }), { errors: 5, requests: 50 }), 10);
  });
});

describe('analysis conditions: what they refuse, and why', () => {
  const refused: Array<[string, RegExp]> = [
    ['', /column 1: the expression is empty/],
    ['results <= 1', /column 1: unknown name "results"; an expression may use only result and baseline/],
    ['process.exit() == 1', /column 8: \. is not part of the language: property access is not allowed/],
    ['result.length > 1', /column 7: \. is not part of the language: property access is not allowed/],
    ['result[0] > 1', /column 7: \[ is not part of the language: indexing is not allowed/],
    ['max(result, 1) > 1', /column 11: , is not part of the language: function calls are not allowed/],
    ['max(result) > 1', /column 4: function calls are not allowed \(max\(…\)\)/],
    ['result > "1"', /column 10: " is not part of the language: strings are not allowed/],
    ["result > '1'", /column 10: ' is not part of the language: strings are not allowed/],
    ['result > 1 && result < 2', /column 12: && is not part of the language: use `and`/],
    ['result > 1 || result < 2', /column 12: \|\| is not part of the language: use `or`/],
    ['!result', /column 1: ! is not part of the language: use `not`/],
    ['result = 1', /column 8: = is not part of the language: compare with `==`/],
    ['result % 2 == 0', /column 8: % is not part of the language: only \+ - \* \/ are allowed/],
    ['result ** 2 > 1', /column 9: expected a number, a name or "\(", found "\*"/],
    ['result > 1 ? 1 : 0', /column 12: \? is not part of the language/],
    ['result', /a condition must compare, e.g. `result <= 0.01`/],
    ['result + baseline', /a condition must compare/],
    ['result and baseline', /column 8: "and" works on comparisons, not on a number/],
    ['result + (baseline > 1) > 0', /column 8: "\+" works on numbers, not on a comparison/],
    ['not result', /column 1: "not" works on comparisons, not on a number/],
    ['0 < result < 1', /column 12: comparisons do not chain/],
    ['(result > 1', /column 12: expected "\)" to close the "\(" at column 1, found the end of the expression/],
    ['result > 1)', /column 11: unexpected "\)"/],
    ['result >', /column 9: expected a number, a name or "\(", found the end of the expression/],
    ['1result > 0', /column 2: unexpected "r" after the number 1/],
    ['result > 1.2.3', /column 13: unexpected "\." after the number 1\.2/],
    ['result > 1 and', /column 15: expected a number, a name or "\(", found the end/],
    ['and > 1', /column 1: "and" needs a value before it/],
    ['result > $x', /column 10: unexpected character "\$"/],
    [`result > ${'1'.repeat(600)}`, /at most 500 characters/],
  ];
  for (const [source, message] of refused) {
    it(`refuses ${JSON.stringify(source.slice(0, 40))}`, () => {
      assert.throws(() => parseCondition(source), (error: unknown) => error instanceof ExpressionError && message.test(error.message));
    });
  }

  it('refuses to decide on NaN: 0 / 0, or a name without a value', () => {
    assert.throws(() => evaluate(parseCondition('result / baseline > 1'), { result: 0, baseline: 0 }), ExpressionEvaluationError);
    assert.throws(() => evaluate(parseCondition('result <= baseline'), { result: 1 }), /baseline has no value/);
  });
});
