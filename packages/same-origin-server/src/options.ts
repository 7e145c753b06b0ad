import { sameOriginServerDataDir } from '@mcp-auth/shared';
import { z } from 'zod';

/** Everything `startSameOriginServer` needs, validated once at start-up. */
export const sameOriginServerOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(8000),
  host: z.string().min(1).default('127.0.0.1'),
  transport: z.enum(['streamable-http', 'sse', 'all']).default('all'),
  /** The AS's data folder: SQLite database, keys, the demo account. */
  dataDir: z.string().min(1),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type SameOriginServerOptionsInput = z.input<typeof sameOriginServerOptionsSchema>;
export type SameOriginServerOptions = z.output<typeof sameOriginServerOptionsSchema>;

/**
 * `$XDG_DATA_HOME/mcp-auth/legacy-server` (`~/.local/share/…`): the folder keeps the name it had
 * before the program was called the same-origin server, because users have their data there.
 */
export function defaultSameOriginDataDir(env: Readonly<Record<string, string | undefined>>): string {
  return sameOriginServerDataDir(env);
}
