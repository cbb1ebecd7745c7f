/** Public surface of the PBX emulator (see README.md). */
export { PbxEmulator } from './emulator.js';
export type { ConnectionSummary, SessionSummary, StartOptions, Target } from './emulator.js';
export { ConfigError, DEFAULT_BUILD, defaultGuid, loadEmulatorConfig, validateEmulatorConfig } from './config.js';
export type { AppObjectConfig, EmulatorConfig, EmulatorOptions, OAuth2Config, UserConfig, WakeType } from './config.js';
// The identity provider (idp.ts) is imported from its own module: oidc-provider prints warnings on import.
export { SessionStore } from './sessions.js';
export type { Session } from './sessions.js';
export type { FramePredicate, FrameProblem, ReceivedFrame } from './frames.js';
export * as pbxFormulas from './formulas.js';
export type { LoginProof, AppLoginFields } from './formulas.js';
