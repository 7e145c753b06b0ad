import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ElicitationAnswer, ElicitationRequest } from '../../src/elicitation/elicitation-request.ts';
import { fakeSession, startRepl } from './repl-harness.ts';

/** The SEP-1034 form of the conformance suite: every field optional, each with a default. */
const PROFILE_FORM: ElicitationRequest = {
  mode: 'form',
  message: 'Tell us about you',
  requestedSchema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'User name', default: 'John Doe' },
      age: { type: 'integer', default: 30 },
      status: { type: 'string', enum: ['active', 'inactive'], default: 'active' },
      verified: { type: 'boolean', default: true },
    },
  },
};

describe('the REPL answers a server elicitation at its prompt (MCP 2025-11-25 §Elicitation)', () => {
  it('a form asks each field, showing its default; an empty answer takes the default (SEP-1034)', async () => {
    let answer: Promise<ElicitationAnswer> | undefined;
    let askedForm: () => Promise<ElicitationAnswer> = async () => ({ action: 'decline' });
    const session = fakeSession({
      // The server elicits while the call runs, as a tool does.
      callTool: async (_name, args) => {
        answer = askedForm();
        return { isError: false, structuredContent: { args, answer: await answer }, content: [] };
      },
    });
    const repl = startRepl(session);
    await repl.waitFor((output) => output.includes('mcp> '));
    askedForm = () => repl.controls.answerElicitation(PROFILE_FORM);
    repl.type('call slow {}');
    await repl.waitFor((output) => output.includes('name (string, optional, default "John Doe"): '));
    assert.match(repl.output(), /the server asks: Tell us about you/);
    repl.type('');
    await repl.waitFor((output) => output.includes('age (integer, optional, default 30): '));
    repl.type('41');
    await repl.waitFor((output) => output.includes('status ('));
    repl.type('');
    await repl.waitFor((output) => output.includes('verified ('));
    repl.type('no');
    assert.deepEqual(await answer, {
      action: 'accept',
      content: { name: 'John Doe', age: 41, status: 'active', verified: false },
    });
    repl.end();
    await repl.done;
  });

  it('Ctrl-C at a field cancels the elicitation, and the call goes on', async () => {
    let answer: Promise<ElicitationAnswer> | undefined;
    let askedForm: () => Promise<ElicitationAnswer> = async () => ({ action: 'decline' });
    const session = fakeSession({
      callTool: async () => {
        answer = askedForm();
        return { isError: false, structuredContent: { answer: await answer }, content: [] };
      },
    });
    const repl = startRepl(session);
    await repl.waitFor((output) => output.includes('mcp> '));
    askedForm = () => repl.controls.answerElicitation(PROFILE_FORM);
    repl.type('call slow {}');
    await repl.waitFor((output) => output.includes('name (string'));
    repl.controls.interrupt();
    assert.deepEqual(await answer, { action: 'cancel' });
    await repl.waitFor((output) => output.includes('"action": "cancel"'));
    assert.equal(session.calls.length, 1);
    repl.end();
    await repl.done;
  });

  it('a URL is opened only after the person says yes, and the answer says accept', async () => {
    const opened: string[] = [];
    let answer: Promise<ElicitationAnswer> | undefined;
    let askedUrl: () => Promise<ElicitationAnswer> = async () => ({ action: 'decline' });
    const session = fakeSession({
      callTool: async () => {
        answer = askedUrl();
        return { isError: false, structuredContent: { answer: await answer }, content: [] };
      },
    });
    const repl = startRepl(session, {
      openUrl: async (url) => {
        opened.push(url.href);
      },
    });
    await repl.waitFor((output) => output.includes('mcp> '));
    askedUrl = () =>
      repl.controls.answerElicitation({
        mode: 'url',
        message: 'Connect your calendar',
        url: 'https://calendar.example.com/connect?session=1',
        elicitationId: 'e-1',
      });
    repl.type('call slow {}');
    await repl.waitFor((output) => output.includes('open it in your browser? [y/N] '));
    assert.match(repl.output(), /it wants you to open https:\/\/calendar\.example\.com\/connect\?session=1/);
    assert.match(repl.output(), /that page is on calendar\.example\.com/);
    assert.deepEqual(opened, [], 'nothing is opened before the person answers');
    repl.type('y');
    assert.deepEqual(await answer, { action: 'accept' });
    assert.deepEqual(opened, ['https://calendar.example.com/connect?session=1']);
    repl.end();
    await repl.done;
  });

  it('a URL the person does not agree to is declined and never opened', async () => {
    const opened: string[] = [];
    let answer: Promise<ElicitationAnswer> | undefined;
    let askedUrl: () => Promise<ElicitationAnswer> = async () => ({ action: 'decline' });
    const session = fakeSession({
      callTool: async () => {
        answer = askedUrl();
        return { isError: false, structuredContent: { answer: await answer }, content: [] };
      },
    });
    const repl = startRepl(session, { openUrl: async (url) => void opened.push(url.href) });
    await repl.waitFor((output) => output.includes('mcp> '));
    askedUrl = () =>
      repl.controls.answerElicitation({
        mode: 'url',
        message: 'Connect',
        url: 'https://calendar.example.com/connect',
        elicitationId: 'e-2',
      });
    repl.type('call slow {}');
    await repl.waitFor((output) => output.includes('[y/N] '));
    repl.type('');
    assert.deepEqual(await answer, { action: 'decline' });
    assert.deepEqual(opened, []);
    repl.end();
    await repl.done;
  });

  it('an elicitation while no command runs is declined, and the prompt still reads commands', async () => {
    const session = fakeSession();
    const repl = startRepl(session);
    await repl.waitFor((output) => output.includes('mcp> '));
    assert.deepEqual(await repl.controls.answerElicitation(PROFILE_FORM), { action: 'decline' });
    assert.match(repl.output(), /asked "Tell us about you" while no command ran: declined/);
    repl.type('call slow {}');
    await repl.waitFor(() => session.calls.length === 1);
    repl.end();
    await repl.done;
  });
});
