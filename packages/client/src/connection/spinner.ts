/** A one-line spinner on a terminal; silent elsewhere (pipes, CI, --json). */
export function startSpinner(stream: NodeJS.WriteStream, text: string, enabled: boolean): () => void {
  if (!enabled || !stream.isTTY) return () => {};
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let index = 0;
  const timer = setInterval(() => {
    stream.write(`\r${frames[index++ % frames.length]} ${text}`);
  }, 100);
  return () => {
    clearInterval(timer);
    stream.write('\r\u001b[2K');
  };
}
