/**
 * Read a password without echoing it. On a terminal the characters are swallowed; when stdin
 * is a pipe (scripts, tests) the first line is taken as is.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export function readPassword(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  let muted = false;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input, output: sink, terminal: input.isTTY === true });
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      if (input.isTTY) output.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}
