/**
 * Console: writes to its console at every level — debug, log, info, warn, error — once on load
 * and again on each "Log again", each with an object argument; then one line longer than the
 * client keeps (MAX_CONSOLE_LINE). Its lines reach the client by lib1's way where the client
 * offers it, else by our ConsoleLog extension (applib.js, "console"); the desktop build hears
 * the console itself. "Round N" in every line tells the rounds apart.
 */
import { AppWebsocket, hooks } from './applib.js';
import { appPage, button, line, showLogin } from './ui.js';

const { main, status } = appPage('Console');
const LEVELS = ['debug', 'log', 'info', 'warn', 'error'];
/** Longer than the client keeps (4000 characters), so the client's cut shows. */
const LONG = 'x'.repeat(5000);

let round = 0;
const roundText = line(main, 'Round: 0');
line(main, `Capture: ${hooks.consoleCapture}`);

function logAll() {
  round++;
  for (const level of LEVELS) console[level](`Console sample ${level} round ${round}`, { level, round });
  console.log(`Console sample long round ${round} ${LONG}`);
  roundText.set(`Round: ${round}`);
}

button(main, 'Log again', logAll);
logAll();

// Logged in like every sample app: the console app is an app like any other.
new AppWebsocket({ onstate: showLogin(status) });
