/**
 * Once per `npm run test:e2e-electron`: without an Electron binary, print why every test is
 * skipped and do nothing else. With one: build what the app needs (only what is stale:
 * test/support/app-build.ts), and on Linux without a display start a virtual one (Xvfb) for
 * the run, which the tests' Electron inherits through DISPLAY.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureAppBuilt } from '../support/app-build.js';
import { electronBinary, skipReason } from './fixtures.js';

export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  if (!electronBinary.found) {
    console.log(skipReason);
    return undefined;
  }
  console.log(`Electron ${electronBinary.version}: ${electronBinary.path}`);
  const built = await ensureAppBuilt();
  if (built.length) console.log(`built: npm run ${built.join(', npm run ')}`);
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return undefined;
  const xvfb = await startXvfb();
  process.env.DISPLAY = xvfb.display;
  console.log(`no display: Electron runs on a virtual one (Xvfb ${xvfb.display})`);
  return async () => {
    xvfb.process.kill();
  };
}

/** Xvfb on a free display number (it writes the number to fd 3 when ready). */
function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let number = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('Xvfb did not start within 10 s'));
    }, 10_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`no display and no Xvfb to start one (apt-get install xvfb, or set DISPLAY): ${String(e)}`));
    });
    child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.stdio[3]!.on('data', (d: Buffer) => {
      number += d.toString();
      if (!number.includes('\n')) return;
      clearTimeout(timer);
      resolve({ display: `:${number.trim()}`, process: child });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}): ${stderr.trim()}`));
    });
  });
}
