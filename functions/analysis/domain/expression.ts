/**
 * The small, safe expression language of analysis conditions (`result <= baseline * 1.5`): numbers, the names a caller
 * provides, + - * /, comparisons (< <= > >= == !=), and / or / not, parentheses. Nothing else — no calls, no property
 * access, no strings, no other names — so a condition in harbormaster.yml can only compute over the measured values.
 * A hand-written tokenizer and recursive-descent parser; types (number or boolean) are checked when parsing, so
 * `result and baseline` or `result + (baseline > 1)` are refused before anything is measured. Pure.
 *
 * Grammar (lowest precedence first):
 *   or         := and ('or' and)*
 *   and        := not ('and' not)*
 *   not        := 'not' not | comparison
 *   comparison := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)?       (no chains: `a < b < c` is refused)
 *   sum        := product (('+' | '-') product)*
 *   product    := unary (('*' | '/') unary)*
 *   unary      := '-' unary | primary
 *   primary    := number | name | '(' or ')'
 */

export type ValueType = 'number' | 'boolean';

export type Expression =
  | { type: 'number'; node: 'literal'; value: number }
  | { type: 'number'; node: 'name'; name: string }
  | { type: 'number'; node: 'negate'; operand: Expression }
  | { type: 'number'; node: 'arithmetic'; operator: '+' | '-' | '*' | '/'; left: Expression; right: Expression }
  | { type: 'boolean'; node: 'comparison'; operator: Comparison; left: Expression; right: Expression }
  | { type: 'boolean'; node: 'logic'; operator: 'and' | 'or'; left: Expression; right: Expression }
  | { type: 'boolean'; node: 'not'; operand: Expression };

type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** Longer than any sensible condition; bounds the work of parsing what a configuration carries. */
export const MAX_EXPRESSION_LENGTH = 500;

/** A condition that cannot be parsed or is not well typed; `column` is 1-based. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  readonly column: number;

  constructor(column: number, problem: string) {
    super(`at column ${column}: ${problem}`);
    this.column = column;
  }
}

interface Token {
  kind: 'number' | 'name' | 'operator' | 'open' | 'close' | 'end';
  text: string;
  column: number;
}

const OPERATORS = ['<=', '>=', '==', '!=', '<', '>', '+', '-', '*', '/'];
const KEYWORDS = new Set(['and', 'or', 'not']);
/** What people type from other languages, with what to write instead. */
const FOREIGN: Record<string, string> = {
  '&&': 'use `and`',
  '||': 'use `or`',
  '&': 'use `and`',
  '|': 'use `or`',
  '!': 'use `not`',
  '=': 'compare with `==`',
  '%': 'only + - * / are allowed',
  '^': 'only + - * / are allowed',
  '.': 'property access is not allowed',
  '[': 'indexing is not allowed',
  ']': 'indexing is not allowed',
  ',': 'function calls are not allowed',
  '"': 'strings are not allowed',
  "'": 'strings are not allowed',
  '?': 'conditional expressions are not allowed',
};

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source[at] ?? '';
    const column = at + 1;
    if (/\s/.test(char)) {
      at += 1;
      continue;
    }
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(at));
    if (number) {
      const after = source[at + number[0].length];
      if (after !== undefined && /[A-Za-z_.]/.test(after)) throw new ExpressionError(at + number[0].length + 1, `unexpected "${after}" after the number ${number[0]}`);
      tokens.push({ kind: 'number', text: number[0], column });
      at += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(at));
    if (name) {
      tokens.push({ kind: 'name', text: name[0], column });
      at += name[0].length;
      continue;
    }
    const operator = OPERATORS.find((text) => source.startsWith(text, at));
    if (operator) {
      tokens.push({ kind: 'operator', text: operator, column });
      at += operator.length;
      continue;
    }
    if (char === '(' || char === ')') {
      tokens.push({ kind: char === '(' ? 'open' : 'close', text: char, column });
      at += 1;
      continue;
    }
    const foreign = Object.keys(FOREIGN).find((text) => source.startsWith(text, at));
    if (foreign) throw new ExpressionError(column, `${foreign} is not part of the language: ${FOREIGN[foreign]}`);
    throw new ExpressionError(column, `unexpected character "${char}"`);
  }
  tokens.push({ kind: 'end', text: '', column: source.length + 1 });
  return tokens;
}

export interface ParseOptions {
  /** The only names an expression may use (e.g. result, baseline). */
  names: readonly string[];
  /** What the whole expression must compute (default boolean: a condition). */
  type?: ValueType;
}

export function parseExpression(source: string, options: ParseOptions): Expression {
  if (source.length > MAX_EXPRESSION_LENGTH) throw new ExpressionError(MAX_EXPRESSION_LENGTH + 1, `an expression may have at most ${MAX_EXPRESSION_LENGTH} characters`);
  if (source.trim() === '') throw new ExpressionError(1, 'the expression is empty');
  const parser = new Parser(tokenize(source), options.names);
  const expression = parser.parse();
  const wanted = options.type ?? 'boolean';
  if (expression.type !== wanted) {
    throw new ExpressionError(1, wanted === 'boolean' ? 'a condition must compare, e.g. `result <= 0.01` or `result <= baseline * 1.5`' : 'the expression must compute a number, not a comparison');
  }
  return expression;
}

class Parser {
  private readonly tokens: Token[];
  private readonly names: readonly string[];
  private at = 0;

  constructor(tokens: Token[], names: readonly string[]) {
    this.tokens = tokens;
    this.names = names;
  }

  parse(): Expression {
    const expression = this.or();
    const next = this.peek();
    if (next.kind !== 'end') throw new ExpressionError(next.column, `unexpected ${describe(next)}`);
    return expression;
  }

  private or(): Expression {
    let left = this.and();
    while (this.isKeyword('or')) {
      const token = this.take();
      const right = this.and();
      left = { type: 'boolean', node: 'logic', operator: 'or', left: this.want(left, 'boolean', token), right: this.want(right, 'boolean', token) };
    }
    return left;
  }

  private and(): Expression {
    let left = this.not();
    while (this.isKeyword('and')) {
      const token = this.take();
      const right = this.not();
      left = { type: 'boolean', node: 'logic', operator: 'and', left: this.want(left, 'boolean', token), right: this.want(right, 'boolean', token) };
    }
    return left;
  }

  private not(): Expression {
    if (this.isKeyword('not')) {
      const token = this.take();
      return { type: 'boolean', node: 'not', operand: this.want(this.not(), 'boolean', token) };
    }
    return this.comparison();
  }

  private comparison(): Expression {
    const left = this.sum();
    const token = this.peek();
    if (token.kind !== 'operator' || !['<', '<=', '>', '>=', '==', '!='].includes(token.text)) return left;
    this.take();
    const right = this.sum();
    const after = this.peek();
    if (after.kind === 'operator' && ['<', '<=', '>', '>=', '==', '!='].includes(after.text)) {
      throw new ExpressionError(after.column, 'comparisons do not chain: write `a < b and b < c`');
    }
    return { type: 'boolean', node: 'comparison', operator: token.text as Comparison, left: this.want(left, 'number', token), right: this.want(right, 'number', token) };
  }

  private sum(): Expression {
    let left = this.product();
    for (let token = this.peek(); token.kind === 'operator' && (token.text === '+' || token.text === '-'); token = this.peek()) {
      this.take();
      const right = this.product();
      left = { type: 'number', node: 'arithmetic', operator: token.text, left: this.want(left, 'number', token), right: this.want(right, 'number', token) };
    }
    return left;
  }

  private product(): Expression {
    let left = this.unary();
    for (let token = this.peek(); token.kind === 'operator' && (token.text === '*' || token.text === '/'); token = this.peek()) {
      this.take();
      const right = this.unary();
      left = { type: 'number', node: 'arithmetic', operator: token.text, left: this.want(left, 'number', token), right: this.want(right, 'number', token) };
    }
    return left;
  }

  private unary(): Expression {
    const token = this.peek();
    if (token.kind === 'operator' && token.text === '-') {
      this.take();
      return { type: 'number', node: 'negate', operand: this.want(this.unary(), 'number', token) };
    }
    return this.primary();
  }

  private primary(): Expression {
    const token = this.take();
    switch (token.kind) {
      case 'number':
        return { type: 'number', node: 'literal', value: Number(token.text) };
      case 'name': {
        if (KEYWORDS.has(token.text)) throw new ExpressionError(token.column, `"${token.text}" needs a value before it`);
        const next = this.peek();
        if (next.kind === 'open') throw new ExpressionError(next.column, `function calls are not allowed (${token.text}(…))`);
        if (!this.names.includes(token.text)) {
          throw new ExpressionError(token.column, `unknown name "${token.text}"; an expression may use only ${this.names.join(' and ')}`);
        }
        return { type: 'number', node: 'name', name: token.text };
      }
      case 'open': {
        const inner = this.or();
        const close = this.take();
        if (close.kind !== 'close') throw new ExpressionError(close.column, `expected ")" to close the "(" at column ${token.column}, found ${describe(close)}`);
        return inner;
      }
      default:
        throw new ExpressionError(token.column, `expected a number, a name or "(", found ${describe(token)}`);
    }
  }

  private want(expression: Expression, type: ValueType, operator: Token): Expression {
    if (expression.type === type) return expression;
    const wants = type === 'number' ? 'numbers' : 'comparisons';
    throw new ExpressionError(operator.column, `"${operator.text}" works on ${wants}, not on ${expression.type === 'number' ? 'a number' : 'a comparison'}`);
  }

  private isKeyword(keyword: string): boolean {
    const token = this.peek();
    return token.kind === 'name' && token.text === keyword;
  }

  private peek(): Token {
    return this.tokens[this.at] ?? this.tokens[this.tokens.length - 1]!;
  }

  private take(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.at += 1;
    return token;
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the expression' : `"${token.text}"`;
}

/** The names an expression reads (e.g. whether a condition needs the baseline). */
export function namesIn(expression: Expression): Set<string> {
  switch (expression.node) {
    case 'literal':
      return new Set();
    case 'name':
      return new Set([expression.name]);
    case 'negate':
    case 'not':
      return namesIn(expression.operand);
    default:
      return new Set([...namesIn(expression.left), ...namesIn(expression.right)]);
  }
}

/** An expression evaluated to NaN (0 / 0, or a value that is not a number): it decides nothing. */
export class ExpressionEvaluationError extends Error {
  override readonly name = 'ExpressionEvaluationError';
}

/** Evaluates a parsed expression; every name it uses must be bound. Division by zero gives ±Infinity; NaN is refused. */
export function evaluate(expression: Expression, values: Readonly<Record<string, number>>): number | boolean {
  switch (expression.node) {
    case 'literal':
      return expression.value;
    case 'name': {
      const value = values[expression.name];
      if (value === undefined || Number.isNaN(value)) throw new ExpressionEvaluationError(`${expression.name} has no value`);
      return value;
    }
    case 'negate':
      return -number(expression.operand, values);
    case 'arithmetic': {
      const left = number(expression.left, values);
      const right = number(expression.right, values);
      const result = expression.operator === '+' ? left + right : expression.operator === '-' ? left - right : expression.operator === '*' ? left * right : left / right;
      if (Number.isNaN(result)) throw new ExpressionEvaluationError(`${left} ${expression.operator} ${right} is not a number`);
      return result;
    }
    case 'comparison': {
      const left = number(expression.left, values);
      const right = number(expression.right, values);
      switch (expression.operator) {
        case '<':
          return left < right;
        case '<=':
          return left <= right;
        case '>':
          return left > right;
        case '>=':
          return left >= right;
        case '==':
          return left === right;
        case '!=':
          return left !== right;
      }
      break;
    }
    case 'logic':
      return expression.operator === 'and' ? bool(expression.left, values) && bool(expression.right, values) : bool(expression.left, values) || bool(expression.right, values);
    case 'not':
      return !bool(expression.operand, values);
  }
  throw new ExpressionEvaluationError('unknown expression');
}

function number(expression: Expression, values: Readonly<Record<string, number>>): number {
  return evaluate(expression, values) as number;
}

function bool(expression: Expression, values: Readonly<Record<string, number>>): boolean {
  return evaluate(expression, values) as boolean;
}

/** The names a condition may use: the green value and, when measured, blue's. */
export const CONDITION_NAMES = ['result', 'baseline'] as const;

/** Parses an analysis condition; throws ExpressionError with the column and what is wrong. */
export function parseCondition(source: string): Expression {
  return parseExpression(source, { names: CONDITION_NAMES });
}
