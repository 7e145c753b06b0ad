import { type Ask, promptForArguments } from '../repl/prompt-arguments.ts';
import type { AnswerElicitation, ElicitationAnswer, ElicitationRequest } from './elicitation-request.ts';

export interface TerminalElicitationOptions {
  /** Reads one answer after a prompt; undefined when the person stops (Ctrl-C, end of input). */
  readonly ask: Ask;
  readonly say: (line: string) => void;
  /** Opens a URL in the person's browser (only http and https: open-browser.ts). */
  readonly openUrl: (url: URL) => Promise<void>;
}

/**
 * Elicitation answered by the person at the terminal (MCP 2025-11-25 §Elicitation):
 * - form mode: the server's message, then one prompt per field, each showing its type and the
 *   schema's default, which an empty answer takes (SEP-1034); stopping cancels, a field that
 *   cannot be answered declines;
 * - URL mode: the server's message and the URL's origin, then a yes/no question; only on yes is
 *   the URL opened (§URL Mode: the client MUST NOT open it without the user's consent, and shows
 *   where it leads), and accept tells the server the person went there.
 */
export function terminalElicitation(options: TerminalElicitationOptions): AnswerElicitation {
  return (request) => (request.mode === 'url' ? answerUrl(request, options) : answerForm(request, options));
}

async function answerForm(
  request: Extract<ElicitationRequest, { mode: 'form' }>,
  { ask, say }: TerminalElicitationOptions,
): Promise<ElicitationAnswer> {
  say(`the server asks: ${request.message}`);
  const prompted = await promptForArguments(
    { name: 'the server', inputSchema: request.requestedSchema },
    ask,
    say,
  );
  if (prompted.ok)
    return { action: 'accept', content: prompted.args as Record<string, string | number | boolean> };
  if (prompted.reason === 'stopped') {
    say('cancelled: nothing was sent to the server');
    return { action: 'cancel' };
  }
  say(`declined: ${prompted.message}`);
  return { action: 'decline' };
}

async function answerUrl(
  request: Extract<ElicitationRequest, { mode: 'url' }>,
  { ask, say, openUrl }: TerminalElicitationOptions,
): Promise<ElicitationAnswer> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    say(`the server asked to open "${request.url}", which is not a URL: declined`);
    return { action: 'decline' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    say(`the server asked to open a ${url.protocol} URL; only http and https are opened: declined`);
    return { action: 'decline' };
  }
  say(`the server asks: ${request.message}`);
  say(`  it wants you to open ${url.href}`);
  say(`  (that page is on ${url.host}, not in this program)`);
  const answer = await ask('  open it in your browser? [y/N] ');
  if (answer === undefined) return { action: 'cancel' };
  if (!['y', 'yes'].includes(answer.trim().toLowerCase())) {
    say('declined: the page was not opened');
    return { action: 'decline' };
  }
  try {
    await openUrl(url);
  } catch (error) {
    say(`could not open a browser (${(error as Error).message}); open ${url.href} yourself`);
  }
  return { action: 'accept' };
}
