import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../main/core/config/command-line.js';

describe('parseCommandLine', () => {
  it('reads every flag in the "--x value" form', () => {
    const cl = parseCommandLine(['--pbx', 'pbx.example.com', '--user', 'alice', '--policy', '/tmp/p.json', '--developer-mode', '--minimized']);
    expect(cl.options).toEqual({ pbx: 'pbx.example.com', user: 'alice', policy: '/tmp/p.json', developerMode: true, minimized: true });
    expect(cl.problems).toEqual([]);
    expect(cl.deepLinks).toEqual([]);
  });

  it('reads the "--x=value" form, including values holding "="', () => {
    const cl = parseCommandLine(['--pbx=https://pbx.example.com/PBX0', '--user=a=b']);
    expect(cl.options).toEqual({ pbx: 'https://pbx.example.com/PBX0', user: 'a=b' });
    expect(cl.problems).toEqual([]);
  });

  it('starts empty', () => {
    expect(parseCommandLine([])).toEqual({ options: {}, deepLinks: [], problems: [], ignored: [] });
  });

  it.each([
    [['--pbx'], '--pbx'],
    [['--user', '--minimized'], '--user'],
    [['--policy', '--'], '--policy'],
  ])('reports a missing value: %j', (argv, field) => {
    const cl = parseCommandLine(argv);
    expect(cl.problems).toEqual([expect.objectContaining({ source: 'command line', field, reason: expect.stringContaining('needs a value'), severity: 'error' })]);
    expect(cl.options.pbx ?? cl.options.user ?? cl.options.policy).toBeUndefined();
  });

  it('does not swallow the next flag as a missing value', () => {
    expect(parseCommandLine(['--user', '--minimized']).options).toEqual({ minimized: true });
  });

  it('refuses a value for a switch', () => {
    const cl = parseCommandLine(['--minimized=false']);
    expect(cl.options).toEqual({});
    expect(cl.problems[0]).toMatchObject({ field: '--minimized', reason: expect.stringContaining('takes no value') });
  });

  it('reports unknown flags as warnings and goes on', () => {
    const cl = parseCommandLine(['--pbxx', 'x', '--user', 'bob', '-v', '--Pbx=1']);
    expect(cl.options).toEqual({ user: 'bob' });
    expect(cl.problems.map((p) => [p.severity, p.reason])).toEqual([
      ['warning', 'unknown option "--pbxx" was ignored'],
      // The value of an unknown flag cannot be told apart from a deep link; it is reported as one.
      ['error', expect.stringContaining('the link "x" was ignored')],
      ['warning', 'unknown option "-v" was ignored'],
      ['warning', 'unknown option "--Pbx" was ignored'],
    ]);
  });

  it('does not take unknown names from the object prototype', () => {
    const cl = parseCommandLine(['--constructor', '--to-string=x', '--__proto__']);
    expect(cl.options).toEqual({});
    expect(cl.problems).toHaveLength(3);
  });

  it('passes runtime switches to `ignored`, not to the user', () => {
    const argv = ['--no-sandbox', '--inspect=9229', '--inspect-brk', '--enable-logging', '--remote-debugging-port=9222', '--allow-file-access-from-files', '--original-process-start-time=1234', '--user-data-dir=/tmp/x'];
    const cl = parseCommandLine([...argv, '--minimized']);
    expect(cl.ignored).toEqual(argv);
    expect(cl.problems).toEqual([]);
    expect(cl.options).toEqual({ minimized: true });
  });

  it('warns when a flag is repeated and uses the last one', () => {
    const cl = parseCommandLine(['--user', 'a', '--user=b']);
    expect(cl.options.user).toBe('b');
    expect(cl.problems).toEqual([expect.objectContaining({ field: '--user', severity: 'warning' })]);
  });

  it('collects deep links, before and after "--"', () => {
    const cl = parseCommandLine(['tel:+49 30 123', '--minimized', '--', 'sip:alice@example.com', '--pbx']);
    expect(cl.options).toEqual({ minimized: true });
    expect(cl.deepLinks).toEqual([
      { kind: 'call', scheme: 'tel', number: '+4930123' },
      { kind: 'call', scheme: 'sip', uri: 'alice@example.com' },
    ]);
    // After "--" even "--pbx" is a (bad) link, never a flag.
    expect(cl.problems).toEqual([expect.objectContaining({ field: 'deep link', severity: 'error' })]);
  });

  it('reports bad deep links without echoing invisible characters', () => {
    const cl = parseCommandLine(['javascript:alert(1)', 'tel:1\u202e2']);
    expect(cl.deepLinks).toEqual([]);
    expect(cl.problems).toHaveLength(2);
    expect(cl.problems[1]!.reason).toContain('\\u{202e}');
    expect(cl.problems[1]!.reason).not.toContain('\u202e');
  });

  it.each([
    [['--user', ''], 'must not be empty'],
    [['--user='], 'must not be empty'],
    [['--user', 'x'.repeat(257)], 'longer than 256'],
    [['--user', 'ali\nce'], 'control'],
    [['--user', 'ali\u0000ce'], 'control'],
    [['--user', 'ali\u202ece'], 'control'],
    [['--pbx', 'javascript:alert(1)'], 'is not a host name or URL'],
    [['--pbx', 'file:///etc/passwd'], 'use a host name'],
    [['--pbx', 'pbx example'], 'spaces'],
    [['--pbx', 'https://user:pw@pbx'], 'user name or password'],
    [['--policy', ''], 'must not be empty'],
    [['--policy', '/etc/x\u0000y'], 'control'],
  ])('refuses hostile values: %j', (argv, reason) => {
    const cl = parseCommandLine(argv);
    expect(cl.options).toEqual({});
    expect(cl.problems).toEqual([expect.objectContaining({ source: 'command line', field: argv[0]!.split('=')[0], reason: expect.stringContaining(reason), severity: 'error' })]);
  });

  it('accepts the longest user name', () => {
    expect(parseCommandLine(['--user', 'x'.repeat(256)]).options.user).toHaveLength(256);
  });

  it('quotes and truncates an overlong unknown flag in its report', () => {
    const cl = parseCommandLine(['--' + 'a'.repeat(5000)]);
    expect(cl.problems[0]!.reason.length).toBeLessThan(120);
  });
});
