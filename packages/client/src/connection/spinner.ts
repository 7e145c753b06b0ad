/**
 * A one-line spinner on a terminal; silent elsewhere (pipes, CI, --json). The function it returns
 * stops it and clears its line, once: a second call must not erase what was written since (the
 * REPL's next prompt).
 */
export function startSpinner(stream: NodeJS.WriteStream, text: string, enabled: boolean): () => void {
  if (!enabled || !stream.isTTY) return () => {};
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let index = 0;
  const timer = setInterval(() => {
    stream.write(`\r${frames[index++ % frames.length]} ${text}`);
  }, 100);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    stream.write('\r\u001b[2K');
  };
}
