import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Each program's `--help` and its README section name the same flags, so neither can gain or lose
 * one alone. In the README a program's flags are the first column of the `| Flag` tables in its
 * section, or, for a section without such a table, its `Options: …` sentence. `--help` itself is
 * left out (every program has it).
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PROGRAMS = [
  {
    bin: 'packages/authorization-server/bin/mcp-auth-as.js',
    heading: '## The Authorization Server: `mcp-auth-as`',
  },
  { bin: 'packages/resource-server/bin/mcp-auth-rs.js', heading: '## The Resource Server: `mcp-auth-rs`' },
  { bin: 'packages/client/bin/mcp-auth-client.js', heading: '## The client: `mcp-auth-client`' },
  {
    bin: 'packages/same-origin-server/bin/mcp-auth-legacy.js',
    heading: '## The same-origin server for 2025-03-26 clients: `mcp-auth-legacy`',
  },
] as const;

const FLAG = /--[a-z][a-z0-9-]*/g;

/** The flags of the option lines of `--help`: each line that starts with a flag (`-h, --help` too). */
export function helpFlags(help: string): Set<string> {
  const flags = new Set<string>();
  for (const line of help.split('\n')) {
    const start = /^\s+(?:-[a-z], )?(--[a-z][a-z0-9-]*)/.exec(line);
    if (start?.[1]) flags.add(start[1]);
  }
  flags.delete('--help');
  return flags;
}

/** The flags a README section documents (see above). */
export function readmeFlags(section: string): Set<string> {
  const flags = new Set<string>();
  const lines = section.split('\n');
  let inFlagTable = false;
  for (const line of lines) {
    if (/^\|\s*Flag\s*\|/.test(line)) inFlagTable = true;
    else if (!line.startsWith('|')) inFlagTable = false;
    else if (inFlagTable) for (const flag of (line.split('|')[1] ?? '').match(FLAG) ?? []) flags.add(flag);
  }
  if (flags.size === 0) {
    const sentence = /Options:\s([\s\S]*?)\(see `--help`\)/.exec(section)?.[1] ?? '';
    for (const flag of sentence.match(FLAG) ?? []) flags.add(flag);
  }
  flags.delete('--help');
  return flags;
}

function sectionOf(readme: string, heading: string): string {
  const start = readme.indexOf(`${heading}\n`);
  assert.notEqual(start, -1, `README has the section ${heading}`);
  const end = readme.indexOf('\n## ', start + heading.length);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe("every program's --help and the README agree on its flags", async () => {
  const readme = await readFile(`${ROOT}README.md`, 'utf8');
  for (const { bin, heading } of PROGRAMS) {
    it(bin.replace(/^.*\//, '').replace(/\.js$/, ''), async () => {
      const { stdout } = await promisify(execFile)(process.execPath, [`${ROOT}${bin}`, '--help']);
      const inHelp = helpFlags(stdout);
      const inReadme = readmeFlags(sectionOf(readme, heading));
      assert.ok(inHelp.size > 3, `--help lists its options:\n${stdout}`);
      assert.deepEqual(
        { onlyInHelp: [...inHelp].filter((flag) => !inReadme.has(flag)).sort() },
        { onlyInHelp: [] },
        `each flag of --help is in the README section ${heading}`,
      );
      assert.deepEqual(
        { onlyInReadme: [...inReadme].filter((flag) => !inHelp.has(flag)).sort() },
        { onlyInReadme: [] },
        'each flag the README documents is in --help',
      );
    });
  }

  it('the extraction itself: flags of option lines and of the Flag table, not of prose', () => {
    assert.deepEqual(
      [
        ...helpFlags(
          'Usage: x [--port=1]\nOptions:\n  --port N   p\n  -h, --help  h\n                see --other\n',
        ),
      ],
      ['--port'],
    );
    assert.deepEqual(
      [...readmeFlags('| Flag | Meaning |\n| --- | --- |\n| `--a N`, `--b` | like `--c` |\n\nprose `--d`\n')],
      ['--a', '--b'],
    );
  });
});
