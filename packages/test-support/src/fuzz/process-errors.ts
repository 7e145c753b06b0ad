/** Unhandled rejections and uncaught exceptions anywhere in the process while the fuzzer runs. */
export function watchProcessErrors(): { readonly errors: unknown[]; dispose(): void } {
  const errors: unknown[] = [];
  const record = (error: unknown) => errors.push(error);
  process.on('unhandledRejection', record);
  process.on('uncaughtExceptionMonitor', record);
  return {
    errors,
    dispose() {
      process.off('unhandledRejection', record);
      process.off('uncaughtExceptionMonitor', record);
    },
  };
}
