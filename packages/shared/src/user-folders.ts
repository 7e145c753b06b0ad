import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where each program keeps its files for the person running it, following the XDG Base Directory
 * Specification on every platform: these are the folders people already have data in, so they
 * never move. The environment is passed in (each program reads it only in its entry point); a
 * variable that is unset or blank falls back to the specification's default under the home folder.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

/** `$XDG_DATA_HOME`, else `~/.local/share`: data a person would miss (accounts, keys, clients). */
function dataHome(env: Environment): string {
  return env.XDG_DATA_HOME?.trim() || join(homedir(), '.local', 'share');
}

/** `$XDG_STATE_HOME`, else `~/.local/state`: what should outlive a restart but is no document. */
function stateHome(env: Environment): string {
  return env.XDG_STATE_HOME?.trim() || join(homedir(), '.local', 'state');
}

/** `$XDG_CACHE_HOME`, else `~/.cache`: what may be deleted at any time. */
function cacheHome(env: Environment): string {
  return env.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache');
}

/**
 * The authorization server's data folder (database, keys, development credentials):
 * `$MCP_AUTH_AS_DATA_DIR`, else `$XDG_DATA_HOME/mcp-auth/authorization-server`. The resource
 * server looks here for the development credential of an authorization server on this machine.
 */
export function authorizationServerDataDir(env: Environment): string {
  return env.MCP_AUTH_AS_DATA_DIR ?? join(dataHome(env), 'mcp-auth', 'authorization-server');
}

/**
 * The same-origin server's data folder (`mcp-auth-legacy`, for 2025-03-26 clients):
 * `$XDG_DATA_HOME/mcp-auth/legacy-server`, the name the folder has always had.
 */
export function sameOriginServerDataDir(env: Environment): string {
  return join(dataHome(env), 'mcp-auth', 'legacy-server');
}

/** The client's registrations and tokens: `$XDG_STATE_HOME/mcp-auth/client`. */
export function clientStoreDir(env: Environment): string {
  return join(stateHome(env), 'mcp-auth', 'client');
}

/** `npm start`'s server logs: `$XDG_STATE_HOME/mcp-auth/demo`. */
export function demoLogDir(env: Environment): string {
  return join(stateHome(env), 'mcp-auth', 'demo');
}

/** V8's compiled code for the client's modules: `$XDG_CACHE_HOME/mcp-auth/compile-cache`. */
export function compileCacheDir(env: Environment): string {
  return join(cacheHome(env), 'mcp-auth', 'compile-cache');
}
