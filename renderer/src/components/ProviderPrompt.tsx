import { useId, useRef, useState, type FormEvent, type SyntheticEvent } from 'react';
import type { ProviderPrompt as Prompt } from '../../../main/core/bridge/views.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useUi } from '../store.js';
import { useCommand } from '../useCommand.js';
import { usePromptDialog } from '../usePromptDialog.js';
import { ErrorAlert } from './ErrorAlert.js';

/** The words for "Always use this app …" by Client API. */
export function rememberKey(api: string): MessageKey {
  if (api === 'com.innovaphone.phone') return 'providerPrompt.remember.phone';
  if (api === 'com.innovaphone.search') return 'providerPrompt.remember.search';
  return 'providerPrompt.remember.other';
}

/**
 * Several apps could do what was asked (a call link and two phone apps, an app's request without
 * a provider and two providers): the user picks one by
 * title in a modal dialog — one question at a time, the first the core lists — and may keep it
 * as the default for that API. The answer goes to the core (`answerProviderPrompt`), which
 * drops the prompt. Cancel and Escape answer without a provider: nothing happens.
 */
export function ProviderPrompts() {
  const prompt = useUi((s) => s.snapshot?.providerPrompts[0]);
  return prompt ? <ProviderDialog key={prompt.id} prompt={prompt} /> : null;
}

function ProviderDialog({ prompt }: { prompt: Prompt }) {
  const { t } = useI18n();
  const id = useId();
  const { failure, run } = useCommand();
  const answering = useRef(false);
  const [chosen, setChosen] = useState(prompt.providers[0]?.name);
  const [remember, setRemember] = useState(false);
  // The choice, not the first control: the keyboard picks with the arrows and Enter goes on.
  const ref = usePromptDialog((dialog) => dialog.querySelector<HTMLInputElement>('input[type="radio"]:checked'));

  const answer = async (provider: string | undefined) => {
    if (answering.current) return;
    answering.current = true;
    await run({ type: 'answerProviderPrompt', id: prompt.id, ...(provider !== undefined && { provider }), remember: provider !== undefined && remember });
    // Answered: the core drops the prompt and this dialog goes. Failed: the error shows, ask again.
    answering.current = false;
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen !== undefined) void answer(chosen);
  };
  const onCancel = (e: SyntheticEvent<HTMLDialogElement>) => {
    e.preventDefault();
    void answer(undefined);
  };

  // Two apps with one title stay apart by their App Object names.
  const label = (p: Prompt['providers'][number]) => (prompt.providers.filter((o) => o.title === p.title).length > 1 ? t('providerPrompt.sameTitle', { title: p.title, name: p.name }) : p.title);

  return (
    <dialog ref={ref} className="dialog provider-dialog" aria-labelledby={`${id}-heading`} onCancel={onCancel}>
      <form className="provider-form" onSubmit={onSubmit}>
        {/* An app's request: its own title for it if it gave one, else who asks. */}
        <h2 id={`${id}-heading`}>{prompt.purpose !== '' ? prompt.purpose : t('providerPrompt.appRequest', { app: prompt.consumer ?? '' })}</h2>
        {prompt.purpose !== '' && prompt.consumer !== undefined && <p className="hint">{t('providerPrompt.askedBy', { app: prompt.consumer })}</p>}
        <fieldset>
          <legend>{t('providerPrompt.question')}</legend>
          <div className="provider-choices">
            {prompt.providers.map((p) => (
              <label key={p.name} className="radio provider-choice">
                <input type="radio" name={`${id}-provider`} value={p.name} checked={chosen === p.name} onChange={() => setChosen(p.name)} />
                {label(p)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="check">
          <input id={`${id}-remember`} type="checkbox" checked={remember} aria-describedby={`${id}-hint`} onChange={(e) => setRemember(e.target.checked)} />
          <label htmlFor={`${id}-remember`}>{t(rememberKey(prompt.api))}</label>
          <span id={`${id}-hint`} className="hint">
            {t('providerPrompt.rememberHint')}
          </span>
        </div>
        <ErrorAlert failure={failure} />
        <div className="button-row dialog-actions">
          <button type="button" className="button" onClick={() => void answer(undefined)}>
            {t('providerPrompt.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={chosen === undefined}>
            {t('providerPrompt.continue')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
