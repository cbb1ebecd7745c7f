import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { joinApiPorts } from './apiPorts.js';
import { connectBridge } from './bridge.js';
import { raiseWindowOnRequest } from './raiseWindow.js';
import { forwardShortcuts } from './shortcuts.js';
import { startStore } from './store.js';
import { warmUpWhileLoginFormWaits } from './warmUp.js';
import './styles.css';

const bridge = connectBridge();
startStore(bridge);
joinApiPorts(bridge);
forwardShortcuts(bridge);
raiseWindowOnRequest(bridge);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
warmUpWhileLoginFormWaits();
