/**
 * The "Contacts" section of the home screen's search (Ctrl+K): what the core's contact search
 * (main/core/apps/contact-search.ts) found at the apps that search contacts, as it arrives, with
 * Call, Chat and Open for each contact.
 *
 * It reads the contact search from the store itself, so results arriving re-render this section
 * only: the home screen and its tile grid do not hear of them (the tile search's keystroke path
 * stays as it was). It tells the core what to search — the query as it settled, the same value
 * the tile results wait for — and that the search is over when the home screen goes.
 *
 * The search box's arrow keys go on from the app results into these rows (Home.tsx); Enter on a
 * row does its first action (`defaultAction`).
 */
import { memo, useEffect, useRef, useState } from 'react';
import type { Command, CommandResult } from '../../../main/core/bridge/commands.js';
import type { ContactSearchView, ContactView } from '../../../main/core/bridge/views.js';
import { useI18n } from '../i18n.js';
import { invoke, useUi } from '../store.js';

const noContacts: ContactView[] = [];

/** The contacts to show for `query`: none while the core's search is for another query (a command on its way). */
export function shownContacts(view: ContactSearchView | undefined, query: string): ContactView[] {
  return view !== undefined && view.query === query ? view.contacts : noContacts;
}

/** What Enter on a contact does: call it, else open it, else chat; undefined when it offers nothing. */
export function defaultAction(contact: ContactView, chat: boolean): 'call' | 'open' | 'chat' | undefined {
  if (contact.canCall) return 'call';
  if (contact.canOpen) return 'open';
  return chat && contact.sip !== undefined ? 'chat' : undefined;
}

/** The DOM id of a contact row, for the search box's aria-activedescendant. */
export const contactRowId = (baseId: string, index: number): string => `${baseId}-contact-${index}`;

export interface ContactResultsProps {
  baseId: string;
  /** The query as it settled (trimmed): what the core is asked to search. */
  query: string;
  /** Position of the search's selection among the contacts, -1 for none. */
  active: number;
  /** Where a command's failure shows (the home screen's alert). */
  run: (command: Command) => Promise<CommandResult>;
}

/** Memoised: a keystroke re-renders the home screen, not this section (its props change only when the typing pauses, or with the selection). */
export const ContactResults = memo(function ContactResults({ baseId, query, active, run }: ContactResultsProps) {
  const { t } = useI18n();
  const view = useUi((s) => s.snapshot?.contactSearch);

  // Only a search this section started is ended: a home screen that mounts with no query (after
  // login, or the warm-up's screen rendered out of sight) sends nothing.
  const searching = useRef(false);
  useEffect(() => {
    const search = [...query].length >= 2;
    if (!search && !searching.current) return;
    searching.current = search;
    void invoke({ type: 'searchContacts', query: search ? query : '' });
  }, [query]);
  // The home screen goes (another screen, an app in front, logout): the search is over.
  useEffect(
    () => () => {
      if (searching.current) void invoke({ type: 'searchContacts', query: '' });
    },
    [],
  );

  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (active >= 0) listRef.current?.querySelector(`[id="${contactRowId(baseId, active)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active, baseId]);

  if ([...query].length < 2) return null;
  const current = view !== undefined && view.query === query ? view : undefined;
  const contacts = shownContacts(view, query);
  const headingId = `${baseId}-contacts-heading`;
  return (
    <section className="tile-section contact-section" aria-labelledby={headingId}>
      <div className="section-head">
        <h2 id={headingId}>{t('contacts.heading')}</h2>
        <p className="search-count" role="status">
          <Progress view={current} query={query} />
        </p>
      </div>
      {contacts.length > 0 && (
        <ul ref={listRef} id={`${baseId}-contacts`} className="contact-list" aria-labelledby={headingId}>
          {contacts.map((c, i) => (
            <ContactRow key={c.id} id={contactRowId(baseId, i)} contact={c} chat={current?.chat === true} active={i === active} run={run} />
          ))}
        </ul>
      )}
    </section>
  );
});

function Progress({ view, query }: { view: ContactSearchView | undefined; query: string }) {
  const { t } = useI18n();
  if (!view) return <>{t('contacts.waiting')}</>;
  if (view.providers === 0) return <>{t('contacts.noProvider')}</>;
  const pending = view.providers - view.done;
  const parts = [pending > 0 ? t('contacts.searching', { count: pending }) : t('contacts.done', { count: view.contacts.length, query })];
  if (view.timedOut > 0) parts.push(t('contacts.timedOut', { count: view.timedOut }));
  if (view.limited) parts.push(t('contacts.limited'));
  return <>{parts.join(' ')}</>;
}

/** The contact's picture, or its initial where there is none (or it does not load). Decorative: the row has the name. */
function Photo({ url, name }: { url: string | undefined; name: string }) {
  const [failed, setFailed] = useState<string>();
  if (url !== undefined && failed !== url) return <img className="contact-photo" src={url} alt="" width={32} height={32} onError={() => setFailed(url)} />;
  return (
    <span className="contact-photo contact-monogram" aria-hidden="true">
      {[...name][0]?.toUpperCase()}
    </span>
  );
}

interface ContactRowProps {
  id: string;
  contact: ContactView;
  chat: boolean;
  active: boolean;
  run: ContactResultsProps['run'];
}

/** One contact. Each search result event brings new objects: compared by value, so unchanged rows do not re-render. */
const ContactRow = memo(
  function ContactRow({ id, contact, chat, active, run }: ContactRowProps) {
    const { t, list } = useI18n();
    const act = (action: 'call' | 'chat' | 'open') => () => void run({ type: 'contactAction', id: contact.id, action });
    const details = [contact.sip, contact.num, contact.email].filter((d): d is string => d !== undefined);
    const name = contact.dn;
    return (
      <li id={id} className={active ? 'contact contact-active' : 'contact'} aria-label={name} title={t('contacts.from', { apps: list(contact.from) })}>
        <Photo url={contact.photoUrl} name={name} />
        <span className="contact-text">
          <span className="contact-name">{name}</span>
          {details.length > 0 && <span className="contact-details">{details.join(' · ')}</span>}
        </span>
        <span className="contact-actions">
          {contact.canCall && (
            <button type="button" className="button" aria-label={t('contacts.callLabel', { name })} onClick={act('call')}>
              {t('contacts.call')}
            </button>
          )}
          {chat && contact.sip !== undefined && (
            <button type="button" className="button" aria-label={t('contacts.chatLabel', { name })} onClick={act('chat')}>
              {t('contacts.chat')}
            </button>
          )}
          {contact.canOpen && (
            <button type="button" className="button" aria-label={t('contacts.openLabel', { name })} onClick={act('open')}>
              {t('contacts.open')}
            </button>
          )}
        </span>
      </li>
    );
  },
  (a, b) => a.id === b.id && a.chat === b.chat && a.active === b.active && a.run === b.run && JSON.stringify(a.contact) === JSON.stringify(b.contact),
);
