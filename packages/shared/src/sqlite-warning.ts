/**
 * `node:sqlite` is stable in use but still flagged experimental in Node 22, and its one-time
 * warning would be the first line every user of a program sees, before any message of its own.
 * Programs call this in their entry point, before the modules that load SQLite are evaluated;
 * only that warning is hidden.
 */
export function hideSqliteExperimentalWarning(): void {
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/SQLite is an experimental feature/.test(text)) return;
    (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}
