import { execFile } from 'node:child_process';

/**
 * Opens an authorization URL in the user's browser (RFC 8252 §4.1, an external user-agent): only
 * http(s) URLs, and never through a shell, so nothing in the URL can be interpreted as a command.
 * `BROWSER` (a program path, as many Unix tools honour it) wins; otherwise the platform's opener.
 */
export function openerFor(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
): [string, string[]] {
  const browser = env.BROWSER?.trim();
  if (browser) return [browser, []];
  if (platform === 'darwin') return ['open', []];
  // `explorer.exe <url>` hands the URL to the default browser without cmd.exe's parsing.
  if (platform === 'win32') return ['explorer.exe', []];
  return ['xdg-open', []];
}

export async function openBrowser(
  url: URL,
  options: { platform?: NodeJS.Platform; env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`refusing to open a ${url.protocol} URL; only http and https are opened`);
  }
  const [command, args] = openerFor(options.platform ?? process.platform, options.env ?? process.env);
  await new Promise<void>((resolve, reject) => {
    const child = execFile(command, [...args, url.href], { shell: false, windowsHide: true }, () => {});
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
