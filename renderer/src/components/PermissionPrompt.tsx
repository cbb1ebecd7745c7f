import { useId, useRef, type SyntheticEvent } from 'react';
import type { PermissionPrompt as Prompt } from '../../../main/core/bridge/views.js';
import { useI18n } from '../i18n.js';
import { permissionWords } from '../permissions.js';
import { useUi } from '../store.js';
import { useCommand } from '../useCommand.js';
import { usePromptDialog } from '../usePromptDialog.js';
import { ErrorAlert } from './ErrorAlert.js';

/**
 * Security control 16: an app wants the microphone, camera or screen. The user is asked in a
 * modal dialog naming the app — one request at a time, the first the core lists — and the
 * answer goes to the core (`answerPermission`), which remembers it for the App Object and
 * drops the prompt; the next one, if any, follows. Escape answers "Don't allow": closing the
 * question never grants anything.
 */
export function PermissionPrompts() {
  const prompt = useUi((s) => s.snapshot?.permissionPrompts[0]);
  return prompt ? <PermissionDialog key={prompt.id} prompt={prompt} /> : null;
}

function PermissionDialog({ prompt }: { prompt: Prompt }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const { failure, run } = useCommand();
  const answering = useRef(false);
  const ref = usePromptDialog();

  const answer = async (allow: boolean) => {
    if (answering.current) return;
    answering.current = true;
    await run({ type: 'answerPermission', id: prompt.id, allow });
    // Answered: the core drops the prompt and this dialog goes. Failed: the error shows, ask again.
    answering.current = false;
  };
  const onCancel = (e: SyntheticEvent<HTMLDialogElement>) => {
    e.preventDefault();
    void answer(false);
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${id}-heading`} aria-describedby={`${id}-hint`} onCancel={onCancel}>
      <h2 id={`${id}-heading`}>{t('permissionPrompt.text', { title: prompt.title, permissions: permissionWords(i18n, prompt.permissions) })}</h2>
      <p id={`${id}-hint`} className="hint">
        {t('permissionPrompt.remembered')}
      </p>
      <ErrorAlert failure={failure} />
      <div className="button-row dialog-actions">
        <button type="button" className="button" autoFocus onClick={() => void answer(false)}>
          {t('permissionPrompt.deny')}
        </button>
        <button type="button" className="button button-primary" onClick={() => void answer(true)}>
          {t('permissionPrompt.allow')}
        </button>
      </div>
    </dialog>
  );
}
