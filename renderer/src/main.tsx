import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { joinApiPorts } from './apiPorts.js';
import { connectBridge } from './bridge.js';
import { PopOutPage } from './components/PopOutPage.js';
import { popOutViewOf } from './popOut.js';
import { raiseWindowOnRequest } from './raiseWindow.js';
import { forwardShortcuts } from './shortcuts.js';
import { forwardInspector } from './inspector/store.js';
import { startStore } from './store.js';
import { warmUpWhileLoginFormWaits } from './warmUp.js';
import './styles.css';

// Browser shell: this page may be an app's own window (popOut.ts), showing that app alone.
const popOut = popOutViewOf(window.location);
const bridge = connectBridge(popOut);
startStore(bridge);
if (popOut === undefined) {
  joinApiPorts(bridge);
  forwardShortcuts(bridge);
  forwardInspector(bridge);
  raiseWindowOnRequest(bridge);
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>{popOut === undefined ? <App /> : <PopOutPage viewId={popOut} bridge={bridge} />}</StrictMode>,
);
if (popOut === undefined) warmUpWhileLoginFormWaits();
