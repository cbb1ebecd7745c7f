/**
 * What the home screen's contact search offers for a contact (apps/contact-search.ts), each by
 * a path the client already has:
 *
 * - **Call**: the contact's SIP name (else number) as a `sip:`/`tel:` link through click-to-dial
 *   (links.ts): a `com.innovaphone.phone` app chosen by ProviderChoice, `StartCall` (or
 *   `PrepareCall` with *Confirm calls*), kept with a notice when no phone app is there.
 * - **Chat**: `StartChat{sip, dn}` to a `com.innovaphone.chat` app chosen the same way; the chat
 *   app comes to the front (a hidden one cannot, it is only asked).
 * - **Open**: the provider's app link, opened as the UI's `openApp` would.
 */
import type { CommandResult } from '../bridge/commands.js';
import type { ProviderCandidate } from '../apps/provider-choice.js';
import type { FoundContact } from '../apps/contact-search.js';

export const CHAT_API = 'com.innovaphone.chat';

export type ContactAction = 'call' | 'chat' | 'open';

export interface ContactActionDeps {
  /** Click-to-dial (links.ts `follow`). */
  followLink(link: string): { ok: true } | { ok: false; error: string };
  /** Apps that provide `com.innovaphone.chat`, by title. */
  chatProviders(): ProviderCandidate[];
  choose(api: string, purpose: string, candidates: ProviderCandidate[]): Promise<string | undefined>;
  /** Open an app link and bring it to the front (app-host.ts `open`). */
  openApp(link: string): { ok: true } | { ok: false; error: string };
  /** A request of the client itself to one provider (started if needed). */
  request(api: string, provider: string, msg: Record<string, unknown>): void;
}

export function runContactAction(deps: ContactActionDeps, contact: FoundContact, action: ContactAction): CommandResult {
  switch (action) {
    case 'call':
      if (contact.call === undefined) return { ok: false, error: `${contact.dn} has no number or SIP name to call.` };
      return deps.followLink(contact.call);
    case 'chat': {
      if (contact.sip === undefined) return { ok: false, error: `${contact.dn} has no SIP name to chat with.` };
      const candidates = deps.chatProviders();
      if (candidates.length === 0) return { ok: false, error: 'No chat app is available to you.' };
      const { sip, dn } = contact;
      void deps.choose(CHAT_API, `Chat with ${dn}`, candidates).then((provider) => {
        if (provider === undefined) return;
        // In front first, so the chat shows where the user looks; the request waits for its RegisterApi.
        deps.openApp(provider);
        deps.request(CHAT_API, provider, { mt: 'StartChat', sip, dn });
      });
      return { ok: true };
    }
    case 'open':
      if (contact.link === undefined) return { ok: false, error: `${contact.dn} has no app to open it in.` };
      return deps.openApp(contact.link);
  }
}
