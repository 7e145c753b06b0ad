import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * docs/COMPLIANCE.md maps every rule to the file that implements it and the test that proves it.
 * This test keeps it true: every file it links exists, every test it names exists in the file it
 * names (the `it(`/`test(`/`describe(` titles, read from the test's syntax tree), every row has a
 * proof, a pending mark or a reason, and the README and the program pages link it. A renamed or
 * moved test fails here until the page follows.
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DOC = 'docs/COMPLIANCE.md';

/**
 * A `(pending)` row marks work on a branch that has not landed. On the main line every row is
 * proved by a test or says why not, so a pending row fails.
 */
const PENDING_ALLOWED = false;

const PROGRAMS = new Set(['AS', 'RS', 'Client', 'Same-origin', 'all']);
const TABLE_HEADER = ['Requirement', 'Program', 'Implemented in', 'Proved by'];
/** A test named in a "Proved by" cell: its file as a link, then its title in curly quotes. */
const TEST_REFERENCE = /\[`([^`]+)`\]\(\.\.\/([^)]+)\)\s*“([^”]+)”/g;
const REASON = /^Not (implemented|applicable): \S.{20,}/;
const PENDING = /^\(pending(\)|: (no test yet|not met yet) — .{10,}\))/;

interface Row {
  readonly line: number;
  readonly requirement: string;
  readonly program: string;
  readonly implementedIn: string;
  readonly provedBy: string;
}

interface TestReference {
  readonly line: number;
  readonly file: string;
  readonly title: string;
}

/** The rows of every table whose header is the compliance header. */
function tableRows(markdown: string): Row[] {
  const rows: Row[] = [];
  const lines = markdown.split('\n');
  let inTable = false;
  lines.forEach((text, index) => {
    if (!text.startsWith('|')) {
      inTable = false;
      return;
    }
    const cells = text
      .slice(1, text.trimEnd().endsWith('|') ? text.trimEnd().length - 1 : undefined)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
    if (cells.join('|') === TABLE_HEADER.join('|')) {
      inTable = true;
      return;
    }
    if (!inTable || cells.every((cell) => /^:?-+:?$/.test(cell))) return;
    const [requirement = '', program = '', implementedIn = '', provedBy = ''] = cells;
    // A cell too many or too few shifts the others: reported as a row without its requirement.
    const whole = cells.length === TABLE_HEADER.length;
    rows.push({ line: index + 1, requirement: whole ? requirement : '', program, implementedIn, provedBy });
  });
  return rows;
}

function testReferences(markdown: string): TestReference[] {
  const references: TestReference[] = [];
  markdown.split('\n').forEach((text, index) => {
    for (const [, , target = '', title = ''] of text.matchAll(TEST_REFERENCE)) {
      references.push({ line: index + 1, file: target, title });
    }
  });
  return references;
}

/** What a row lacks: its program, where it is implemented, and a proof, a pending mark or a reason. */
function rowProblems(rows: readonly Row[], pendingAllowed: boolean): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    const where = `${DOC}:${row.line}`;
    if (!row.requirement) problems.push(`${where}: a row without its requirement, or with a cell too many`);
    const programs = row.program.split(/,\s*/);
    if (!row.program || programs.some((program) => !PROGRAMS.has(program))) {
      problems.push(`${where}: "${row.program}" is not a list of ${[...PROGRAMS].join(', ')}`);
    }
    if (!row.implementedIn) problems.push(`${where}: no "Implemented in"`);
    const hasTest = [...row.provedBy.matchAll(TEST_REFERENCE)].length > 0;
    const pending = PENDING.test(row.provedBy) || row.implementedIn === '(pending)';
    if (pending && !pendingAllowed) problems.push(`${where}: still pending: ${row.provedBy}`);
    if (!hasTest && !PENDING.test(row.provedBy) && !REASON.test(row.provedBy)) {
      problems.push(
        `${where}: "Proved by" names no test, no "(pending…)" mark and no "Not implemented: <reason>": ${row.provedBy || '(empty)'}`,
      );
    }
  }
  return problems;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces become hyphens. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, heading = ''] of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    anchors.add(
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

/** Links to files that do not exist, to anchors the page lacks, or shown as another path. */
function linkProblems(markdown: string, documentPath: string, exists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  const anchors = headingAnchors(markdown);
  markdown.split('\n').forEach((text, index) => {
    const where = `${documentPath}:${index + 1}`;
    for (const [, shown = '', target = ''] of text.matchAll(/\[([^\]]*)\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      if (target.startsWith('#')) {
        if (!anchors.has(target.slice(1))) problems.push(`${where}: no heading for the anchor ${target}`);
        continue;
      }
      const path = normalize(join(dirname(documentPath), target.split('#')[0] ?? ''));
      if (!exists(path)) problems.push(`${where}: ${target} does not exist`);
      const shownPath = /^`([^`]+)`$/.exec(shown)?.[1];
      if (shownPath !== undefined && shownPath !== path) problems.push(`${where}: ${shown} links to ${path}`);
    }
  });
  return problems;
}

interface TestTitles {
  readonly exact: ReadonlySet<string>;
  /** Titles built with `${…}` in a loop: the literal parts must match, anything in between. */
  readonly patterns: readonly RegExp[];
}

const TEST_FUNCTIONS = new Set(['it', 'test', 'describe', 'suite']);

/** The title arguments of `it(`, `test(`, `describe(` (and `.skip`/`.only`), `describeNeeding(`. */
function testTitles(source: string, fileName: string): TestTitles {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const addTitle = (node: ts.Node | undefined) => {
    if (!node) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) exact.add(node.text);
    if (ts.isTemplateExpression(node)) {
      const parts = [
        escapeRegExp(node.head.text),
        ...node.templateSpans.map((span) => `.+?${escapeRegExp(span.literal.text)}`),
      ];
      patterns.push(new RegExp(`^${parts.join('')}$`, 's'));
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const callee = ts.isPropertyAccessExpression(node.expression)
        ? node.expression.expression
        : node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : undefined;
      if (name && TEST_FUNCTIONS.has(name)) addTitle(node.arguments[0]);
      if (name === 'describeNeeding') addTitle(node.arguments[1]);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
  return { exact, patterns };
}

function testReferenceProblems(
  references: readonly TestReference[],
  read: (path: string) => string | undefined,
): string[] {
  const problems: string[] = [];
  const titlesByFile = new Map<string, TestTitles | undefined>();
  for (const { line, file, title } of references) {
    const where = `${DOC}:${line}`;
    if (!titlesByFile.has(file)) {
      const source = /^packages\/[^/]+\/test\/.+\.ts$/.test(file) ? read(file) : undefined;
      titlesByFile.set(file, source === undefined ? undefined : testTitles(source, file));
    }
    const titles = titlesByFile.get(file);
    if (!titles) {
      problems.push(`${where}: ${file} is not a test file of a package`);
      continue;
    }
    if (!titles.exact.has(title) && !titles.patterns.some((pattern) => pattern.test(title))) {
      problems.push(`${where}: ${file} has no test named “${title}”`);
    }
  }
  return problems;
}

const exists = (path: string) => existsSync(join(ROOT, path));
const read = (path: string) => (exists(path) ? readFileSync(join(ROOT, path), 'utf8') : undefined);
const problemList = (problems: readonly string[]) => `\n${problems.join('\n')}`;

describe('docs/COMPLIANCE.md: every rule next to the test that proves it', () => {
  const markdown = read(DOC) ?? '';

  it('every file, page and anchor it links exists, shown by its own path', () => {
    assert.ok(markdown, `${DOC} exists`);
    const problems = linkProblems(markdown, DOC, exists);
    assert.deepEqual(problems, [], problemList(problems));
  });

  it('every test it names exists, under that name, in the file it names', () => {
    const references = testReferences(markdown);
    assert.ok(references.length > 100, `${DOC} names its tests (found ${references.length})`);
    const problems = testReferenceProblems(references, read);
    assert.deepEqual(problems, [], problemList(problems));
  });

  it('every row names its program and its file, and is proved by a test, pending, or not implemented with a reason', () => {
    const rows = tableRows(markdown);
    assert.ok(rows.length > 100, `${DOC} has its tables (found ${rows.length} rows)`);
    const problems = rowProblems(rows, PENDING_ALLOWED);
    assert.deepEqual(problems, [], problemList(problems));
  });

  it('the README and every program page link it, to anchors it has', () => {
    const anchors = headingAnchors(markdown);
    const pages = [
      ['README.md', 'docs/COMPLIANCE.md'],
      ['docs/authorization-server.md', 'COMPLIANCE.md'],
      ['docs/resource-server.md', 'COMPLIANCE.md'],
      ['docs/client.md', 'COMPLIANCE.md'],
      ['docs/same-origin-server.md', 'COMPLIANCE.md'],
    ];
    for (const [page = '', target = ''] of pages) {
      const links = [...(read(page) ?? '').matchAll(/\]\(([^)\s]+)\)/g)]
        .map(([, link = '']) => link.split('#'))
        .filter(([path]) => path === target);
      assert.ok(links.length > 0, `${page} links ${DOC}`);
      for (const [, anchor] of links) {
        assert.ok(
          anchor === undefined || anchors.has(anchor),
          `${page}: ${DOC} has no heading for #${anchor}`,
        );
      }
    }
  });
});

describe('the checks of docs/COMPLIANCE.md catch what rots', () => {
  const page = [
    '## RFC 0000: A heading',
    '',
    '| Requirement | Program | Implemented in | Proved by |',
    '| --- | --- | --- | --- |',
    '| a proved rule | AS | [`packages/a.ts`](../packages/a.ts) | [`packages/x/test/a.test.ts`](../packages/x/test/a.test.ts) “checks the rule” |',
    '| a renamed test | RS | [`packages/a.ts`](../packages/a.ts) | [`packages/x/test/a.test.ts`](../packages/x/test/a.test.ts) “checks the old rule” |',
    '| a rule nobody proved | Client | [`packages/a.ts`](../packages/a.ts) | |',
    '| a rule for later | AS | (pending) | (pending) |',
    '| a rule we skip | Robot | — | Not implemented: because a good reason stands here. |',
    '',
    'See [the heading](#rfc-0000-a-heading), [a lost one](#rfc-9999), [`packages/b.ts`](../packages/a.ts).',
  ].join('\n');
  const sources: Record<string, string> = {
    'packages/x/test/a.test.ts': "describe('rules', () => { it('checks the rule', () => {}); });",
  };

  it('a test that is not in its file, under that name, is reported with its line', () => {
    assert.deepEqual(
      testReferenceProblems(testReferences(page), (path) => sources[path]),
      [`${DOC}:6: packages/x/test/a.test.ts has no test named “checks the old rule”`],
    );
  });

  it('titles built in a loop match by their literal parts', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a test with a template title
    const titles = testTitles('for (const p of ps) it(`GET ${p} is 404`, () => {});', 'loop.test.ts');
    assert.ok(titles.patterns.some((pattern) => pattern.test('GET /x is 404')));
    assert.ok(!titles.patterns.some((pattern) => pattern.test('GET /x is 200')));
  });

  it('a row without a proof, with an unknown program, or pending once pending is over, is reported', () => {
    const rows = tableRows(page);
    assert.equal(rows.length, 5);
    assert.deepEqual(rowProblems(rows, true), [
      `${DOC}:7: "Proved by" names no test, no "(pending…)" mark and no "Not implemented: <reason>": (empty)`,
      `${DOC}:9: "Robot" is not a list of AS, RS, Client, Same-origin, all`,
    ]);
    assert.ok(rowProblems(rows, false).includes(`${DOC}:8: still pending: (pending)`));
  });

  it('a missing file, a missing anchor and a path shown as another are reported', () => {
    assert.deepEqual(
      linkProblems(page, DOC, (path) => path === 'packages/a.ts' || path === 'packages/x/test/a.test.ts'),
      [
        `${DOC}:11: no heading for the anchor #rfc-9999`,
        `${DOC}:11: \`packages/b.ts\` links to packages/a.ts`,
      ],
    );
  });
});
