import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJson } from '../../src/repl/json-colors.ts';
import { renderToolResult } from '../../src/repl/render-result.ts';
import { summarizeContent } from '../../src/repl/summarize-content.ts';

describe('renderToolResult', () => {
  it('prints structured content as JSON, then text blocks', () => {
    const rendered = renderToolResult(
      { structuredContent: { result: 14 }, content: [{ type: 'text', text: 'fourteen' }] },
      { color: false },
    );
    assert.equal(rendered, '{\n  "result": 14\n}\nfourteen');
  });

  it('does not repeat structured content that a text block carries as JSON', () => {
    const rendered = renderToolResult(
      { structuredContent: { a: [1, 2] }, content: [{ type: 'text', text: '{ "a": [1, 2] }' }] },
      { color: false },
    );
    assert.equal(rendered, '{\n  "a": [\n    1,\n    2\n  ]\n}');
  });

  it('prints errors one line per text block, never as a result', () => {
    const rendered = renderToolResult(
      {
        isError: true,
        structuredContent: { ignored: true },
        content: [
          { type: 'text', text: 'first\nsecond' },
          { type: 'text', text: 'third' },
        ],
      },
      { color: true },
    );
    assert.equal(rendered, 'error: first second\nerror: third');
    assert.equal(
      renderToolResult({ isError: true, content: [] }, { color: false }),
      'error: the tool failed without saying why',
    );
  });

  it('says so when there is nothing to show', () => {
    assert.equal(renderToolResult({ content: [] }, { color: false }), '(the tool returned no content)');
  });
});

describe('summarizeContent', () => {
  it('names type, MIME type, URI and size in one line', () => {
    assert.equal(
      summarizeContent({ type: 'audio', mimeType: 'audio/wav', data: Buffer.alloc(10).toString('base64') }),
      '[audio audio/wav, 10 bytes]',
    );
    assert.equal(
      summarizeContent({
        type: 'resource_link',
        uri: 'file:///notes.md',
        name: 'notes',
        mimeType: 'text/markdown',
      }),
      '[resource_link text/markdown file:///notes.md]',
    );
    assert.equal(
      summarizeContent({
        type: 'resource',
        resource: { uri: 'mem://a', mimeType: 'text/plain', text: 'héllo' },
      }),
      '[resource text/plain mem://a, 6 bytes of text]',
    );
    assert.equal(summarizeContent({ type: 'mystery' }), '[mystery]');
  });
});

describe('formatJson', () => {
  const value = {
    key: 'with "quotes" and 42 and true inside',
    n: -1.5e3,
    t: true,
    f: false,
    z: null,
    list: [0],
  };

  it('is plain pretty JSON without colour', () => {
    assert.equal(formatJson(value, false), JSON.stringify(value, null, 2));
  });

  it('colours keys, strings, numbers and literals apart, leaving text inside strings alone', () => {
    const coloured = formatJson(value, true);
    assert.ok(
      coloured.includes(
        '\u001b[36m"key"\u001b[0m: \u001b[32m"with \\"quotes\\" and 42 and true inside"\u001b[0m',
      ),
    );
    assert.ok(coloured.includes('\u001b[33m-1500\u001b[0m'));
    assert.ok(coloured.includes('\u001b[35mtrue\u001b[0m'));
    assert.ok(coloured.includes('\u001b[35mfalse\u001b[0m'));
    assert.ok(coloured.includes('\u001b[35mnull\u001b[0m'));
    assert.ok(coloured.includes('\u001b[33m0\u001b[0m'));
    // Taking the colours out again gives back exactly the plain text.
    const ansiCode = new RegExp(`${'\u001b'}\\[\\d+m`, 'g');
    assert.equal(coloured.replace(ansiCode, ''), formatJson(value, false));
  });
});
