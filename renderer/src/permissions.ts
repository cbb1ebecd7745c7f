/** How the UI names what apps may use (security control 16): in a sentence, and as a label. */
import { appPermissionNames, type AppPermission } from '../../main/core/bridge/views.js';
import type { I18n, MessageKey } from './i18n.js';

const names: Record<AppPermission, { word: MessageKey; label: MessageKey }> = {
  microphone: { word: 'permission.microphone', label: 'permission.microphone.label' },
  camera: { word: 'permission.camera', label: 'permission.camera.label' },
  screen: { word: 'permission.screen', label: 'permission.screen.label' },
};

/** "microphone and camera", in the contract's order whatever the order given. */
export function permissionWords(i18n: I18n, permissions: readonly AppPermission[]): string {
  return i18n.list(appPermissionNames.filter((p) => permissions.includes(p)).map((p) => i18n.t(names[p].word)));
}

export function permissionWord(i18n: I18n, permission: AppPermission): string {
  return i18n.t(names[permission].word);
}

export function permissionLabel(i18n: I18n, permission: AppPermission): string {
  return i18n.t(names[permission].label);
}

/** What the app header offers to ask for together: microphone and camera, and the screen on its own. */
export const permissionGroups: readonly (readonly AppPermission[])[] = [['microphone', 'camera'], ['screen']];
