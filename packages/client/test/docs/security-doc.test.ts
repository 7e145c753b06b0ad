import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * docs/SECURITY.md proves each defence by citing a test: `` `packages/…/x.test.ts` “test name” ``.
 * A citation whose file or test no longer exists would leave a defence unproved while still
 * looking proved, so every one is checked here, and every file of a `test/security/` folder must
 * be cited at least once (a new attack class gets its line in the document).
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A test file path, in backquotes, then the name of a test or suite in it, in curly quotes. */
const CITATION = /`(packages\/[^`\s]+\.test\.ts)`(?:\s+“([^”]+)”)?/g;

/** The first argument of every `it(…)`/`describe(…)`/`test(…)` that is a plain string literal. */
function testNamesIn(source: string): Set<string> {
  const names = new Set<string>();
  const call = /\b(?:it|describe|test)\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const match of source.matchAll(call)) {
    const [, quote, raw = ''] = match;
    if (quote === '`' && raw.includes('${')) continue; // a name built at run time cannot be cited
    names.add(raw.replace(/\\(.)/g, '$1'));
  }
  return names;
}

interface Citation {
  readonly file: string;
  readonly name: string | undefined;
}

function citationsIn(document: string): Citation[] {
  return [...document.matchAll(CITATION)].map((match) => ({ file: match[1] ?? '', name: match[2] }));
}

/** What is wrong with the citations of `document`, one line each; empty when nothing is. */
function citationProblems(document: string, root: string): string[] {
  const problems: string[] = [];
  const namesByFile = new Map<string, Set<string>>();
  for (const { file, name } of citationsIn(document)) {
    const path = join(root, file);
    if (!existsSync(path)) {
      problems.push(`${file}: no such file`);
      continue;
    }
    if (name === undefined) {
      problems.push(`${file}: cited without a test name`);
      continue;
    }
    let names = namesByFile.get(file);
    if (!names) {
      names = testNamesIn(readFileSync(path, 'utf8'));
      namesByFile.set(file, names);
    }
    if (!names.has(name)) problems.push(`${file}: no test or suite named “${name}”`);
  }
  return problems;
}

/** Every `packages/<package>/test/security/*.test.ts` of the repository. */
function securityTestFiles(root: string): string[] {
  const files: string[] = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const folder = join(root, 'packages', pkg, 'test', 'security');
    if (!existsSync(folder)) continue;
    for (const entry of readdirSync(folder)) {
      if (entry.endsWith('.test.ts')) files.push(`packages/${pkg}/test/security/${entry}`);
    }
  }
  return files.sort();
}

describe('docs/SECURITY.md cites only tests that exist', () => {
  const document = readFileSync(join(ROOT, 'docs', 'SECURITY.md'), 'utf8');

  it('every cited test file exists and holds a test or suite of exactly the cited name', () => {
    assert.ok(citationsIn(document).length > 50, 'the document cites its proofs');
    assert.deepEqual(citationProblems(document, ROOT), []);
  });

  it('every file of a test/security/ folder is cited at least once', () => {
    const cited = new Set(citationsIn(document).map((citation) => citation.file));
    const uncited = securityTestFiles(ROOT).filter((file) => !cited.has(file));
    assert.deepEqual(uncited, [], 'add a line to docs/SECURITY.md for each new attack class');
  });

  it('the check finds a missing file, a missing test name and a citation without a name', () => {
    const existing = 'packages/client/test/docs/security-doc.test.ts';
    const made = [
      '`packages/nowhere/test/security/nothing.test.ts` “anything”',
      `\`${existing}\` “a test that was renamed”`,
      `\`${existing}\``,
      `\`${existing}\` “docs/SECURITY.md cites only tests that exist”`,
    ].join('\n');
    assert.deepEqual(citationProblems(made, ROOT), [
      'packages/nowhere/test/security/nothing.test.ts: no such file',
      `${existing}: no test or suite named “a test that was renamed”`,
      `${existing}: cited without a test name`,
    ]);
  });

  it('the README’s security notes link the document', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const notes = /## Security notes\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    assert.match(notes, /\]\(docs\/SECURITY\.md\)/);
  });
});
