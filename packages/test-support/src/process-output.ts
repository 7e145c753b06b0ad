import type { ChildProcess } from 'node:child_process';

/**
 * The first match of `pattern` in what `child` printed so far (`output()`), checked each time it
 * prints (an event, not a poll). Rejects with the output when the process's output ends first
 * ('close' comes after the last of it) or after `timeoutMs`.
 */
export function waitForOutput(
  child: ChildProcess,
  output: () => string,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('close', onClose);
      if (error) reject(error);
    };
    // Registered after the caller's own 'data' listeners, so `output()` already holds the chunk.
    const check = () => {
      const match = pattern.exec(output());
      if (!match) return;
      finish();
      resolve(match);
    };
    const onClose = () => {
      const match = pattern.exec(output());
      finish(
        match
          ? undefined
          : new Error(
              `the process exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}:\n${output()}`,
            ),
      );
      if (match) resolve(match);
    };
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}:\n${output()}`)),
      timeoutMs,
    );
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('close', onClose);
    check();
    // Already ended: nothing more will come.
    if (
      child.exitCode !== null &&
      child.stdout?.readableEnded !== false &&
      child.stderr?.readableEnded !== false
    ) {
      onClose();
    }
  });
}
