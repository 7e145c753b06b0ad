/**
 * A small arithmetic calculator for untrusted input (a model or a person types the expression).
 *
 * It tokenizes and parses by hand and evaluates a tree of plain objects: no `eval`, no `Function`,
 * nothing that turns input into code. Names resolve through a `Map`, so inherited object keys such as
 * `constructor` or `__proto__` are simply unknown names.
 *
 * Grammar (EBNF; whitespace may appear between tokens):
 *
 *   expression = term , { ( "+" | "-" ) , term } ;
 *   term       = unary , { ( "*" | "/" | "%" ) , unary } ;
 *   unary      = { "+" | "-" } , power ;
 *   power      = primary , [ "^" , unary ] ;            (* right-associative; -2^2 = -(2^2) *)
 *   primary    = number
 *              | name                                   (* a constant: pi, e *)
 *              | name , "(" , [ arguments ] , ")"       (* a function call *)
 *              | "(" , expression , ")" ;
 *   arguments  = expression , { "," , expression } ;
 *   number     = ( digits , [ "." , [ digits ] ] | "." , digits ) , [ exponent ] ;
 *   exponent   = ( "e" | "E" ) , [ "+" | "-" ] , digits ;
 *   digits     = digit , { digit } ;
 *   name       = ( letter | "_" ) , { letter | digit | "_" } ;   (* ASCII letters only *)
 *
 * Limits keep hostile input cheap: at most 1000 characters and 100 levels of parentheses and function
 * calls. Every token consumes at least one character, so the tree has at most ~1000 nodes and the
 * recursion that walks it stays far below Node's stack limit.
 */
import { ToolInputError } from './tool-result.ts';

export const MAX_EXPRESSION_LENGTH = 1000;
export const MAX_NESTING_DEPTH = 100;

/**
 * Every rejected expression, whatever the reason. It extends ToolInputError so the MCP layer reports
 * it to the caller as a fixable input problem rather than a server fault.
 */
export class CalculatorError extends ToolInputError {
  constructor(message: string) {
    super(message);
    this.name = 'CalculatorError';
  }
}

// ---------------------------------------------------------------------------------------------------
// Names

type Arity = { min: number; max: number };

type NameEntry =
  | { kind: 'constant'; value: number }
  | { kind: 'function'; arity: Arity; apply: (args: readonly number[]) => number };

const one: Arity = { min: 1, max: 1 };

function unary(apply: (x: number) => number): NameEntry {
  return { kind: 'function', arity: one, apply: (args) => apply(args[0] as number) };
}

function rejectZero(x: number): number {
  // Math.log(0) is -Infinity; saying so plainly beats the generic "too large" message.
  if (x === 0) throw new CalculatorError('the logarithm of zero is not defined');
  return x;
}

function logarithm(args: readonly number[]): number {
  const x = args[0] as number;
  const base = args[1];
  if (base === undefined) return Math.log(rejectZero(x));
  if (!(base > 0) || base === 1) {
    throw new CalculatorError('the base of a logarithm must be a positive number other than 1');
  }
  rejectZero(x);
  // ln(x)/ln(b) is inexact for the common bases (log(1000, 10) would give 2.9999999999999996).
  if (base === 10) return Math.log10(x);
  if (base === 2) return Math.log2(x);
  return Math.log(x) / Math.log(base);
}

/** Largest n whose n! is a finite double; 171! overflows. */
const MAX_FACTORIAL = 170;

function factorial(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > MAX_FACTORIAL) {
    throw new CalculatorError(`factorial is defined here for whole numbers from 0 to ${MAX_FACTORIAL}`);
  }
  let product = 1;
  for (let k = 2; k <= n; k++) product *= k;
  return product;
}

/** Math.round rounds -2.5 up to -2; people expect halves to move away from zero. */
function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

function power(base: number, exponent: number): number {
  // 0 raised to a negative power is 1/0 in disguise; report it as such rather than as an overflow.
  if (base === 0 && exponent < 0) throw new CalculatorError('division by zero');
  return base ** exponent;
}

const names: ReadonlyMap<string, NameEntry> = new Map<string, NameEntry>([
  ['pi', { kind: 'constant', value: Math.PI }],
  ['e', { kind: 'constant', value: Math.E }],
  ['sqrt', unary(Math.sqrt)],
  [
    'pow',
    {
      kind: 'function',
      arity: { min: 2, max: 2 },
      apply: (args) => power(args[0] as number, args[1] as number),
    },
  ],
  ['exp', unary(Math.exp)],
  ['log', { kind: 'function', arity: { min: 1, max: 2 }, apply: logarithm }],
  ['log10', unary((x) => Math.log10(rejectZero(x)))],
  ['sin', unary(Math.sin)],
  ['cos', unary(Math.cos)],
  ['tan', unary(Math.tan)],
  ['asin', unary(Math.asin)],
  ['acos', unary(Math.acos)],
  ['atan', unary(Math.atan)],
  ['degrees', unary((x) => (x * 180) / Math.PI)],
  ['radians', unary((x) => (x * Math.PI) / 180)],
  ['ceil', unary(Math.ceil)],
  ['floor', unary(Math.floor)],
  ['abs', unary(Math.abs)],
  ['round', unary(roundHalfAwayFromZero)],
  ['min', { kind: 'function', arity: { min: 1, max: Infinity }, apply: (args) => Math.min(...args) }],
  ['max', { kind: 'function', arity: { min: 1, max: Infinity }, apply: (args) => Math.max(...args) }],
  ['factorial', unary(factorial)],
]);

// ---------------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'number' | 'name' | 'operator' | 'end';

type Token = {
  kind: TokenKind;
  /** The exact source text; empty for the end token. */
  text: string;
  /** Index of the first character in the source (UTF-16 code units). */
  index: number;
};

const OPERATORS = '+-*/%^(),';

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57; // 0-9
}

function isNameStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95; // A-Z a-z _
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13; // space tab LF CR
}

/**
 * A person counts characters, not UTF-16 code units, and counts from 1. Only called when building
 * an error message, so the extra pass over the prefix costs nothing on the happy path.
 */
function positionOf(source: string, index: number): number {
  let position = 1;
  for (const _character of source.slice(0, index)) position++;
  return position;
}

/** Quote a token for a one-line message; invisible and control characters are shown as U+XXXX. */
function describe(text: string): string {
  const shown = text.length > 20 ? `${text.slice(0, 20)}…` : text;
  if (/^[\p{L}\p{N}\p{P}\p{S}]+$/u.test(shown)) {
    // A stray double quote inside double quotes would read as noise.
    const quote = shown.includes('"') ? "'" : '"';
    return `${quote}${shown}${quote}`;
  }
  const codePoint = text.codePointAt(0) ?? 0;
  return `character U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Produces tokens on demand, one left-to-right pass over the source (each character is examined a
 * bounded number of times, so the whole scan is linear). On-demand scanning means the first problem
 * reported is the leftmost one, whether it is a stray character or a parse error.
 */
class Lexer {
  private readonly source: string;
  private index = 0;

  constructor(source: string) {
    this.source = source;
  }

  next(): Token {
    const source = this.source;
    while (this.index < source.length && isWhitespace(source.charCodeAt(this.index))) this.index++;
    const start = this.index;
    if (start >= source.length) return { kind: 'end', text: '', index: start };

    const code = source.charCodeAt(start);
    if (isDigit(code) || (code === 46 && isDigit(source.charCodeAt(start + 1)))) return this.number(start);
    if (isNameStart(code)) {
      let end = start + 1;
      while (end < source.length) {
        const c = source.charCodeAt(end);
        if (!isNameStart(c) && !isDigit(c)) break;
        end++;
      }
      this.index = end;
      return { kind: 'name', text: source.slice(start, end), index: start };
    }
    const character = source[start] as string;
    if (OPERATORS.includes(character)) {
      this.index = start + 1;
      return { kind: 'operator', text: character, index: start };
    }
    // Show the whole character, not half of a surrogate pair.
    const whole = String.fromCodePoint(source.codePointAt(start) ?? code);
    throw new CalculatorError(`unexpected ${describe(whole)} at position ${positionOf(source, start)}`);
  }

  private number(start: number): Token {
    const source = this.source;
    let end = start;
    while (isDigit(source.charCodeAt(end))) end++;
    if (source.charCodeAt(end) === 46) {
      end++;
      while (isDigit(source.charCodeAt(end))) end++;
    }
    const marker = source.charCodeAt(end);
    if (marker === 69 || marker === 101) {
      // "e"/"E" directly after digits must start an exponent: "2e" is neither 2*e nor a number.
      let exponentEnd = end + 1;
      const sign = source.charCodeAt(exponentEnd);
      if (sign === 43 || sign === 45) exponentEnd++;
      if (!isDigit(source.charCodeAt(exponentEnd))) {
        throw new CalculatorError(
          `the number starting at position ${positionOf(source, start)} has an incomplete exponent`,
        );
      }
      while (isDigit(source.charCodeAt(exponentEnd))) exponentEnd++;
      end = exponentEnd;
    }
    this.index = end;
    return { kind: 'number', text: source.slice(start, end), index: start };
  }
}

// ---------------------------------------------------------------------------------------------------
// Parser: builds a tree first, so a syntax error anywhere is reported before any arithmetic runs.

type Node =
  | { type: 'number'; value: number }
  | { type: 'negate'; operand: Node }
  | { type: 'binary'; operator: '+' | '-' | '*' | '/' | '%' | '^'; left: Node; right: Node }
  | { type: 'call'; entry: NameEntry & { kind: 'function' }; args: Node[] };

class Parser {
  private readonly source: string;
  private readonly lexer: Lexer;
  private token: Token;
  private depth = 0;

  constructor(source: string) {
    this.source = source;
    this.lexer = new Lexer(source);
    this.token = this.lexer.next();
  }

  parse(): Node {
    if (this.atEnd()) throw new CalculatorError('the expression is empty');
    const tree = this.expression();
    if (!this.atEnd()) throw this.unexpected();
    return tree;
  }

  /** A method, not an inline check, because TypeScript's narrowing of `this.token` outlives `advance()`. */
  private atEnd(): boolean {
    return this.token.kind === 'end';
  }

  private advance(): Token {
    const current = this.token;
    this.token = this.lexer.next();
    return current;
  }

  private isOperator(text: string): boolean {
    return this.token.kind === 'operator' && this.token.text === text;
  }

  private unexpected(): CalculatorError {
    if (this.token.kind === 'end') {
      return new CalculatorError('the expression is incomplete: it ends where a value was expected');
    }
    return new CalculatorError(
      `unexpected ${describe(this.token.text)} at position ${positionOf(this.source, this.token.index)}`,
    );
  }

  private enter(): void {
    // Checked before recursing, so 10,000 "(" fail here instead of overflowing the stack.
    this.depth++;
    if (this.depth > MAX_NESTING_DEPTH) {
      throw new CalculatorError(
        `the expression is nested too deeply (more than ${MAX_NESTING_DEPTH} levels of parentheses and function calls)`,
      );
    }
  }

  private closeParenthesis(opening: Token): void {
    if (this.isOperator(')')) {
      this.advance();
      return;
    }
    if (this.token.kind === 'end') {
      throw new CalculatorError(
        `missing ")" to close the "(" at position ${positionOf(this.source, opening.index)}`,
      );
    }
    throw this.unexpected();
  }

  private expression(): Node {
    let left = this.term();
    while (this.isOperator('+') || this.isOperator('-')) {
      const operator = this.advance().text as '+' | '-';
      left = { type: 'binary', operator, left, right: this.term() };
    }
    return left;
  }

  private term(): Node {
    let left = this.unary();
    while (this.isOperator('*') || this.isOperator('/') || this.isOperator('%')) {
      const operator = this.advance().text as '*' | '/' | '%';
      left = { type: 'binary', operator, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    // A loop, not recursion: a run of 999 signs must not cost 999 stack frames.
    let negative = false;
    while (this.isOperator('-') || this.isOperator('+')) {
      if (this.advance().text === '-') negative = !negative;
    }
    const operand = this.power();
    return negative ? { type: 'negate', operand } : operand;
  }

  private power(): Node {
    const base = this.primary();
    if (!this.isOperator('^')) return base;
    this.advance();
    // The exponent is a unary, which makes ^ right-associative and allows 2^-1.
    return { type: 'binary', operator: '^', left: base, right: this.unary() };
  }

  private primary(): Node {
    const token = this.token;
    if (token.kind === 'number') {
      this.advance();
      return { type: 'number', value: Number(token.text) };
    }
    if (token.kind === 'name') return this.name();
    if (this.isOperator('(')) {
      this.advance();
      this.enter();
      const inner = this.expression();
      this.closeParenthesis(token);
      this.depth--;
      return inner;
    }
    throw this.unexpected();
  }

  private name(): Node {
    const token = this.token;
    const entry = names.get(token.text);
    // Looked up before advancing: the lookahead scan could otherwise report a later stray character
    // first, and "unknown name" is the more useful message for `constructor.constructor(...)`.
    if (entry === undefined) throw new CalculatorError(`unknown name ${describe(token.text)}`);
    this.advance();
    const called = this.isOperator('(');
    if (entry.kind === 'constant') {
      if (called) throw new CalculatorError(`"${token.text}" is a constant, not a function`);
      return { type: 'number', value: entry.value };
    }
    if (!called) {
      throw new CalculatorError(
        `"${token.text}" is a function; put its arguments in parentheses, like ${token.text}(x)`,
      );
    }
    const opening = this.advance();
    this.enter();
    const args: Node[] = [];
    if (!this.isOperator(')')) {
      args.push(this.expression());
      while (this.isOperator(',')) {
        this.advance();
        args.push(this.expression());
      }
    }
    this.closeParenthesis(opening);
    this.depth--;
    checkArity(token.text, entry.arity, args.length);
    return { type: 'call', entry, args };
  }
}

function checkArity(name: string, arity: Arity, given: number): void {
  if (given >= arity.min && given <= arity.max) return;
  const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  let expected: string;
  if (arity.max === Infinity) expected = `at least ${plural(arity.min)}`;
  else if (arity.min === arity.max) expected = `exactly ${plural(arity.min)}`;
  else expected = `${arity.min} or ${plural(arity.max)}`;
  throw new CalculatorError(`${name} takes ${expected} but was given ${given}`);
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

/**
 * Checked after every step, not just at the end: an intermediate Infinity could otherwise vanish
 * (1/10^400 would quietly become 0) and an intermediate NaN would surface with a misleading message.
 */
function finite(value: number): number {
  if (Number.isNaN(value)) throw new CalculatorError('the result is not a real number');
  if (!Number.isFinite(value)) throw new CalculatorError('the result is too large to represent');
  return value;
}

function evaluate(node: Node): number {
  switch (node.type) {
    case 'number':
      return finite(node.value);
    case 'negate':
      return -evaluate(node.operand);
    case 'call':
      return finite(node.entry.apply(node.args.map(evaluate)));
    case 'binary': {
      const left = evaluate(node.left);
      const right = evaluate(node.right);
      switch (node.operator) {
        case '+':
          return finite(left + right);
        case '-':
          return finite(left - right);
        case '*':
          return finite(left * right);
        case '/':
          if (right === 0) throw new CalculatorError('division by zero');
          return finite(left / right);
        case '%':
          if (right === 0) throw new CalculatorError('division by zero');
          return finite(left % right);
        case '^':
          return finite(power(left, right));
      }
    }
  }
}

/**
 * Evaluates an arithmetic expression such as `2 * sqrt(16) + log(8, 2)`.
 * Throws CalculatorError, with a one-line message for a person, for anything it cannot evaluate.
 */
export function evaluateExpression(source: string): number {
  // A runtime guard too: callers outside TypeScript (tool arguments) may pass anything.
  if (typeof source !== 'string') throw new CalculatorError('the expression must be text');
  // First, before any scanning, so a megabyte of input costs nothing.
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new CalculatorError(
      `the expression is too long (${source.length} characters; the limit is ${MAX_EXPRESSION_LENGTH})`,
    );
  }
  const result = evaluate(new Parser(source).parse());
  // -0 is an artefact (round(-0.4), -0); callers comparing or printing results expect plain 0.
  return result === 0 ? 0 : result;
}
