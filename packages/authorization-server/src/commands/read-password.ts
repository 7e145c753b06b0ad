import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Reads a new password: from the first line of standard input when it is not a terminal (for
 * scripts: `echo "$PW" | mcp-auth-as users add alice`), else by asking twice without echo.
 */
export async function readNewPassword(input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<string> {
  if (!input.isTTY) return readFirstLine(input);
  const first = await askHidden(input, output, 'Password: ');
  const second = await askHidden(input, output, 'Repeat password: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

async function readFirstLine(input: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new Error('expected the password on standard input');
}

function askHidden(input: NodeJS.ReadStream, output: NodeJS.WriteStream, prompt: string): Promise<string> {
  let muted = false;
  const silent = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input, output: silent, terminal: true });
  return new Promise((resolve, reject) => {
    rl.question(prompt, (answer) => {
      output.write('\n');
      rl.close();
      resolve(answer);
    });
    muted = true;
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('cancelled'));
    });
  });
}
