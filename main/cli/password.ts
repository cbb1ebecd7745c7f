/**
 * Read a password without echoing it. On a terminal the characters are swallowed; when stdin
 * is a pipe (scripts, tests) the first line is taken as is. Undefined when stdin ends before
 * a line (a closed or empty stdin).
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export function readPassword(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string | undefined> {
  let muted = false;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input, output: sink, terminal: input.isTTY === true });
  return new Promise((resolve) => {
    let answered = false;
    rl.on('close', () => {
      if (!answered) resolve(undefined);
    });
    rl.question(prompt, (answer) => {
      answered = true;
      rl.close();
      if (input.isTTY) output.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}
