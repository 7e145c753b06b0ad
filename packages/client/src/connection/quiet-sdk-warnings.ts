/**
 * The SDK reports what it recovers from on `console.warn` (`[mcp-sdk] OAuth "invalid_grant" —
 * invalidating the stored tokens…`): its internals, which the client explains in its own words.
 * Without --verbose they are dropped; every other warning still shows.
 */
export function quietSdkWarnings(target: Console): void {
  const warn = target.warn.bind(target);
  target.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('[mcp-sdk]')) return;
    warn(...args);
  };
}
