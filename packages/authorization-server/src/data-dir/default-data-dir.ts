import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user data folder: `$XDG_DATA_HOME/mcp-auth/authorization-server`, falling back to
 * `~/.local/share/...` (XDG Base Directory spec). The environment is passed in, not read here.
 */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.XDG_DATA_HOME?.trim() || join(homedir(), '.local', 'share');
  return join(base, 'mcp-auth', 'authorization-server');
}
