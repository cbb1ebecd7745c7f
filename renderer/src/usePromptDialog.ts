/**
 * A prompt the core asks (a permission, which app to use): a modal `<dialog>` shown as it
 * mounts, which hides native app views while open (overlays.ts), and gives focus back to where
 * it was when the prompt goes — unless something else took it meanwhile.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { useHidingOverlay } from './overlays.js';

/** `focus`: what takes focus when shown (default: the dialog's first control, as `showModal` does). */
export function usePromptDialog(focus?: (dialog: HTMLDialogElement) => HTMLElement | null | undefined): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  useHidingOverlay(true);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
      dialog.showModal();
      focus?.(dialog)?.focus();
    }
    return () => {
      const now = document.activeElement;
      if (!dialog.isConnected && opener.current?.isConnected && (now === null || now === document.body)) opener.current.focus();
    };
    // Once, when the prompt appears: `focus` is read then.
  }, []);
  return ref;
}
