/**
 * The message inspector's entries as the bridge carries them (`inspectorOpen`'s value, the
 * `inspector` event): defined once, in main/core/inspector/entries.ts, and named here for the UI,
 * which may import only the bridge contract.
 */
export type { ConsoleLevel, InspectorApp, InspectorConsoleLine, InspectorDirection, InspectorEntry, InspectorMessage } from '../inspector/entries.js';
