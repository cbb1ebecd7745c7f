/**
 * App console capture, the pure parts and the log files (real files in a temp folder): lines are
 * checked and cut, App Object names become safe file names, files rotate and never pass their
 * caps, developer mode decides whether a file is written at all, an app is held to its rate,
 * the Electron relay keeps only the app's frames, the desktop build's user agent names myApps.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RotatingLogFile } from '../../main/core/apps/app-console-file.js';
import { AppConsole, type ConsoleRecord, consoleLogFileName } from '../../main/core/apps/app-console.js';
import { parseAppFrame } from '../../main/core/bridge/app-frame.js';
import { consoleLevelOfChromium, cutConsoleLine, parseConsoleLog } from '../../main/core/bridge/console-lines.js';
import { silentLogger } from '../../main/core/common/log.js';
import { MAX_CONSOLE_LINE } from '../../main/core/inspector/entries.js';
import { appConsoleFrame } from '../../main/electron/app-frame-relay.js';
import { myAppsUserAgent } from '../../main/electron/user-agent.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'myapps-console-'));

describe('console lines', () => {
  it('are cut at MAX_CONSOLE_LINE with an ellipsis, never inside a surrogate pair; shorter ones stay as they are', () => {
    expect(cutConsoleLine('hello')).toBe('hello');
    const exact = 'a'.repeat(MAX_CONSOLE_LINE);
    expect(cutConsoleLine(exact)).toBe(exact);
    const cut = cutConsoleLine('b'.repeat(MAX_CONSOLE_LINE + 1));
    expect(cut.length).toBe(MAX_CONSOLE_LINE);
    expect(cut.endsWith('b…')).toBe(true);
    // An emoji (two code units) straddling the cut goes whole.
    const pair = cutConsoleLine(`${'c'.repeat(MAX_CONSOLE_LINE - 2)}😀tail`);
    expect(pair).toBe(`${'c'.repeat(MAX_CONSOLE_LINE - 2)}…`);
    expect(pair.length).toBeLessThanOrEqual(MAX_CONSOLE_LINE);
  });

  it('a ConsoleLog message is read only when well-formed: its prefix, a known level, a string text (cut)', () => {
    expect(parseConsoleLog(JSON.stringify({ mt: 'ConsoleLog', level: 'warn', text: 'careful' }))).toEqual({ level: 'warn', text: 'careful' });
    expect(parseConsoleLog(JSON.stringify({ mt: 'ConsoleLog', level: 'log', text: 'x'.repeat(9000) }))?.text.length).toBe(MAX_CONSOLE_LINE);
    expect(parseConsoleLog(JSON.stringify({ mt: 'ConsoleLog', level: 'trace', text: 't' }))).toBeUndefined();
    expect(parseConsoleLog(JSON.stringify({ mt: 'ConsoleLog', level: 'info', text: 42 }))).toBeUndefined();
    expect(parseConsoleLog(JSON.stringify({ level: 'info', mt: 'ConsoleLog', text: 'other order' }))).toBeUndefined();
    expect(parseConsoleLog('{"mt":"ConsoleLog", broken')).toBeUndefined();
    expect(parseConsoleLog(JSON.stringify({ mt: 'Alive' }))).toBeUndefined();
  });

  it('a console frame is read with its fields only: level checked, source bounded, anything else left behind', () => {
    expect(parseAppFrame(JSON.stringify({ kind: 'console', level: 'error', text: 'boom', source: 'https://a/app.js:3', viewId: 'other', app: 'x' }))).toEqual({
      ok: true,
      frame: { kind: 'console', level: 'error', text: 'boom', source: 'https://a/app.js:3' },
    });
    expect(parseAppFrame(JSON.stringify({ kind: 'console', level: 'fatal', text: 'x' }))).toEqual({ ok: false, error: 'console line without a valid level' });
    expect(parseAppFrame(JSON.stringify({ kind: 'console', level: 'info' }))).toEqual({ ok: false, error: 'console line has no text' });
    expect(parseAppFrame(JSON.stringify({ kind: 'console', level: 'info', text: 'x', source: 's'.repeat(600) }))).toEqual({ ok: false, error: 'console line source is not a short string' });
  });

  it("Chromium's levels map onto ours (console.log arrives as info)", () => {
    expect(['debug', 'info', 'warning', 'error', 'verbose'].map(consoleLevelOfChromium)).toEqual(['debug', 'info', 'warn', 'error', undefined]);
  });
});

describe('log file names from App Object names', () => {
  it('a plain name is kept; anything else is made safe and told apart by a hash', () => {
    expect(consoleLogFileName('echo')).toBe('echo.log');
    expect(consoleLogFileName('my-app_2.0')).toBe('my-app_2.0.log');
    // `__proto__` is a valid App Object name and a valid file name.
    expect(consoleLogFileName('__proto__')).toBe('__proto__.log');
    const up = consoleLogFileName('../x');
    expect(up).toMatch(/^_x-[0-9a-f]{12}\.log$/);
    for (const name of ['../../etc/passwd', '..', '.hidden', 'a/b', 'a\\b', 'C:evil', 'x\u0000y', 'CON', 'nul', '', 'ü', 'a'.repeat(1000)]) {
      const file = consoleLogFileName(name);
      expect(file, name).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*\.log$/);
      expect(file.length, name).toBeLessThanOrEqual(64 + 13 + 4);
      expect(file.toLowerCase().startsWith('con.') || file.toLowerCase().startsWith('nul.'), name).toBe(false);
    }
    // Names that sanitise alike still get files of their own.
    expect(new Set(['a/b', 'a_b', 'a\\b', 'a:b'].map(consoleLogFileName)).size).toBe(4);
  });
});

describe('the rotating log file', () => {
  it('never passes its size, keeps at most N files, newest lines in the current one, mode 0600', async () => {
    const dir = tempDir();
    const path = join(dir, 'apps', 'echo.log');
    const file = new RotatingLogFile(path, { maxBytes: 1000, generations: 3, maxQueuedBytes: 1 << 20 }, silentLogger);
    // 200 lines of 50 bytes: ten files' worth, so it has rotated many times.
    for (let i = 0; i < 200; i++) file.append(`line ${String(i).padStart(4, '0')} ${'.'.repeat(39)}`);
    await file.flush();
    expect(readdirSync(join(dir, 'apps')).sort()).toEqual(['echo.log', 'echo.log.1', 'echo.log.2']);
    for (const name of ['echo.log', 'echo.log.1', 'echo.log.2']) {
      const st = statSync(join(dir, 'apps', name));
      expect(st.size, name).toBeLessThanOrEqual(1000);
      expect(st.size, name).toBeGreaterThan(900);
      expect(st.mode & 0o777, name).toBe(0o600);
    }
    expect(statSync(join(dir, 'apps')).mode & 0o777).toBe(0o700);
    const current = readFileSync(path, 'utf8');
    expect(current.trimEnd().split('\n').at(-1)).toMatch(/^line 0199 /);
    // The generations are in order: .2 older than .1 older than the current one, nothing lost in between.
    const all = [2, 1].map((n) => readFileSync(`${path}.${n}`, 'utf8')).join('') + current;
    const numbers = all.trimEnd().split('\n').map((l) => Number(l.slice(5, 9)));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    expect(numbers.at(-1)).toBe(199);

    // More lines: still three files, still capped.
    for (let i = 0; i < 100; i++) file.append(`more ${String(i).padStart(4, '0')} ${'.'.repeat(39)}`);
    await file.flush();
    expect(readdirSync(join(dir, 'apps')).sort()).toEqual(['echo.log', 'echo.log.1', 'echo.log.2']);
  });

  it('append returns before anything is written (the core never waits for the disk per line)', async () => {
    const path = join(tempDir(), 'apps', 'quick.log');
    const file = new RotatingLogFile(path, { maxBytes: 1 << 20, generations: 3, maxQueuedBytes: 1 << 20 }, silentLogger);
    file.append('first');
    expect(() => statSync(path)).toThrow();
    await file.flush();
    expect(readFileSync(path, 'utf8')).toBe('first\n');
  });
});

describe('AppConsole', () => {
  const apps = new Map([
    ['v1', { viewId: 'v1', name: 'echo' }],
    ['v2', { viewId: 'v2', name: '__proto__' }],
    ['v3', { viewId: 'v3', name: '../escape' }],
  ]);
  function make(options: { developer?: () => boolean; rate?: { perSecond: number; burst: number } } = {}) {
    const logsDir = tempDir();
    const recorded: ConsoleRecord[] = [];
    const appConsole = new AppConsole({
      app: (viewId) => apps.get(viewId),
      record: (line) => recorded.push(line),
      developerMode: options.developer ?? (() => true),
      logsDir,
      log: silentLogger,
      now: () => 1_700_000_000_000,
      ...(options.rate && { rate: options.rate }),
    });
    return { appConsole, recorded, logsDir };
  }

  it('a line goes to the inspector with its app, level, cut text and source; in developer mode to the app file', async () => {
    const { appConsole, recorded, logsDir } = make();
    expect(appConsole.line({ viewId: 'v1', level: 'warn', text: `careful\nsecond line`, source: 'https://apps/echo.js:7' })).toEqual({ ok: true });
    expect(appConsole.line({ viewId: 'v1', level: 'log', text: 'y'.repeat(10_000) })).toEqual({ ok: true });
    expect(recorded[0]).toEqual({ kind: 'console', time: 1_700_000_000_000, app: { viewId: 'v1', name: 'echo' }, level: 'warn', text: 'careful\nsecond line', source: 'https://apps/echo.js:7' });
    expect(recorded[1]!.text.length).toBe(MAX_CONSOLE_LINE);
    await appConsole.flush();
    const text = readFileSync(join(logsDir, 'apps', 'echo.log'), 'utf8');
    expect(text).toContain('2023-11-14T22:13:20.000Z warn  careful\n    second line  (https://apps/echo.js:7)\n');
    expect(text).toContain(` log   ${'y'.repeat(MAX_CONSOLE_LINE - 1)}…\n`);
  });

  it('bad lines are refused with a reason, and nothing is recorded for them', () => {
    const { appConsole, recorded } = make();
    expect(appConsole.line({ viewId: 'v1', level: 'fatal', text: 'x' })).toEqual({ ok: false, error: 'console line without a valid level' });
    expect(appConsole.line({ viewId: 'v1', level: 'info', text: { not: 'text' } })).toEqual({ ok: false, error: 'console line has no text' });
    expect(appConsole.line({ viewId: 'v1', level: 'info', text: 'x', source: 7 })).toEqual({ ok: false, error: 'console line source is not a string' });
    expect(appConsole.line({ viewId: 'nope', level: 'info', text: 'x' })).toEqual({ ok: false, error: 'console line for a view that is not running' });
    expect(recorded).toEqual([]);
  });

  it('developer mode off: no file (not even the folder); turned on, the next line is written', async () => {
    let developer = false;
    const { appConsole, recorded, logsDir } = make({ developer: () => developer });
    appConsole.line({ viewId: 'v1', level: 'info', text: 'while off' });
    await appConsole.flush();
    expect(recorded.map((r) => r.text)).toEqual(['while off']);
    expect(readdirSync(logsDir)).toEqual([]);
    developer = true;
    appConsole.line({ viewId: 'v1', level: 'info', text: 'while on' });
    await appConsole.flush();
    const text = readFileSync(join(logsDir, 'apps', 'echo.log'), 'utf8');
    expect(text).toContain('while on');
    expect(text).not.toContain('while off');
  });

  it('names from outside: `__proto__` and `../escape` get files of their own inside the apps folder', async () => {
    const { appConsole, logsDir } = make();
    appConsole.line({ viewId: 'v2', level: 'info', text: 'proto line' });
    appConsole.line({ viewId: 'v3', level: 'info', text: 'escape line' });
    await appConsole.flush();
    const files = readdirSync(join(logsDir, 'apps')).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain('__proto__.log');
    expect(readdirSync(logsDir)).toEqual(['apps']);
    expect(readFileSync(appConsole.fileOf('../escape'), 'utf8')).toContain('escape line');
    expect(appConsole.fileOf('../escape').startsWith(join(logsDir, 'apps') + '/')).toBe(true);
  });

  it('an app over its rate loses its lines (counted as limited); another app is not held back', () => {
    const { appConsole, recorded } = make({ rate: { perSecond: 1, burst: 3 } });
    const results = [1, 2, 3, 4].map((i) => appConsole.line({ viewId: 'v1', level: 'info', text: `l${i}` }));
    expect(results.slice(0, 3)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(results[3]).toEqual({ ok: false, error: "console line over the app's rate limit", limited: true });
    expect(appConsole.line({ viewId: 'v2', level: 'info', text: 'other app' })).toEqual({ ok: true });
    expect(recorded.map((r) => r.text)).toEqual(['l1', 'l2', 'l3', 'other app']);
  });
});

describe('the desktop build', () => {
  const top = { parent: null };
  const child = { parent: top };
  it("keeps console-message lines of the app's frames only, not of our app-frame page (the top frame)", () => {
    expect(appConsoleFrame({ level: 'warning', message: 'from the app', lineNumber: 12, sourceId: 'https://apps/echo.js', frame: child })).toEqual({ kind: 'console', level: 'warn', text: 'from the app', source: 'https://apps/echo.js:12' });
    expect(appConsoleFrame({ level: 'info', message: 'nested', lineNumber: 0, sourceId: '', frame: { parent: child } })).toEqual({ kind: 'console', level: 'info', text: 'nested' });
    expect(appConsoleFrame({ level: 'error', message: 'our page', lineNumber: 1, sourceId: 'app://myapps/appframe.js', frame: top })).toBeUndefined();
    expect(appConsoleFrame({ level: 'info', message: 'no frame', lineNumber: 1, sourceId: '', frame: null })).toBeUndefined();
    const gone = {
      get parent(): unknown {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    expect(appConsoleFrame({ level: 'info', message: 'gone', lineNumber: 1, sourceId: '', frame: gone })).toBeUndefined();
    expect(appConsoleFrame({ level: 'debug', message: 'x'.repeat(5000), lineNumber: 1, sourceId: '', frame: child })?.text.length).toBe(MAX_CONSOLE_LINE);
  });

  it("names myApps in Chromium's user agent, once", () => {
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
    expect(myAppsUserAgent(chrome, '1.2.3')).toBe(`${chrome} myApps/1.2.3`);
    expect(myAppsUserAgent(myAppsUserAgent(chrome, '1.2.3'), '1.2.3')).toBe(`${chrome} myApps/1.2.3`);
  });
});
