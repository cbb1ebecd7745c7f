import { useCallback, useContext, useDeferredValue, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { own } from '../../../main/core/bridge/records.js';
import type { ContactPresence, HomeLink, Tile as TileView } from '../../../main/core/bridge/views.js';
import { holdIconsWhileTyping } from '../components/AppIcon.js';
import { ContactResults, contactRowId, defaultAction, shownContacts } from '../components/ContactResults.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Tile } from '../components/Tile.js';
import { TileGrid } from '../components/TileGrid.js';
import { useI18n } from '../i18n.js';
import { enterTarget, search } from '../search.js';
import { UiSourceContext, useUi } from '../store.js';
import { useSettledValue } from '../useSettledValue.js';
import { useCommand } from '../useCommand.js';

const noTiles: TileView[] = [];
const noLinks: HomeLink[] = [];
const noBadges: Record<string, string> = {};
const noPresence: Record<string, ContactPresence> = {};

/** Keys closer together than this: the results wait until the typing pauses. */
const resultsPauseMs = 100;

export function Home({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  const { t } = useI18n();
  const apps = useUi((s) => s.snapshot?.apps);
  const badges = useUi((s) => s.snapshot?.badges ?? noBadges);
  const presence = useUi((s) => s.snapshot?.presence ?? noPresence);
  const tiles = apps?.tiles ?? noTiles;
  const home = apps?.home ?? noLinks;
  const { failure, run } = useCommand();
  const openApp = useCallback((link: string) => void run({ type: 'openApp', link }), [run]);
  const baseId = useId();

  const [query, setQuery] = useState('');
  const [activeResult, setActiveResult] = useState(-1);
  const trimmed = query.trim();
  const typed = trimmed.toLowerCase();
  // The field shows each keystroke at once; the results follow in a render React may interrupt
  // with the next keystroke (input to next paint stays short however many tiles there are), and
  // wait while keys come faster than the grid is drawn (useSettledValue.ts). `shown` is what the
  // results on screen are for, as typed: the "no match" line names it, not a later keystroke.
  const settled = useSettledValue(trimmed, resultsPauseMs);
  const shown = useDeferredValue(settled);
  const needle = shown.toLowerCase();
  /** Indexes into `tiles` of the search results, in tile order (all tiles when not searching). */
  const results = useMemo(() => search(tiles, needle), [tiles, needle]);
  const activeTile = results[activeResult];
  const tileIdPrefix = `${baseId}-app-`;
  // Below the app results the selection goes on into the contacts (ContactResults.tsx).
  const activeContact = activeResult >= results.length ? activeResult - results.length : -1;
  const activeId = activeTile !== undefined ? `${tileIdPrefix}${activeTile}` : activeContact >= 0 ? contactRowId(baseId, activeContact) : undefined;
  // Read when a key needs them, not subscribed to: arriving contacts do not re-render this screen (nor its grid).
  const ui = useContext(UiSourceContext);
  const contactSearch = () => ui.state().snapshot?.contactSearch;

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      const contacts = shownContacts(contactSearch(), settled).length;
      setActiveResult((i) => Math.max(-1, Math.min(results.length + contacts - 1, i + step)));
    } else if (e.key === 'Enter' && activeContact >= 0) {
      const view = contactSearch();
      const contact = shownContacts(view, settled)[activeContact];
      const action = contact && defaultAction(contact, view?.chat === true);
      if (contact && action) void run({ type: 'contactAction', id: contact.id, action });
    } else if (e.key === 'Enter') {
      // Enter with nothing selected opens the first result, as launchers do — of what was typed,
      // even if the results on screen are a keystroke behind.
      const tile = enterTarget(tiles, typed, { needle, results }, activeResult);
      if (tile) openApp(tile.name);
    } else if (e.key === 'Escape' && query) {
      e.preventDefault();
      setQuery('');
      setActiveResult(-1);
    }
  };

  const editor = useHomeEditor(home);

  return (
    <div className="screen home">
      <div className="home-toolbar">
        <h1 id={`${baseId}-heading`} tabIndex={-1}>
          {t('home.heading')}
        </h1>
        <input
          ref={searchRef}
          type="search"
          className="search"
          aria-label={t('home.searchAppsContacts')}
          placeholder={t('home.searchAppsContactsPlaceholder')}
          value={query}
          aria-controls={`${baseId}-all ${baseId}-contacts`}
          aria-activedescendant={activeId}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => {
            holdIconsWhileTyping();
            setQuery(e.target.value);
            setActiveResult(-1);
          }}
          onKeyDown={onSearchKey}
        />
        <EditControls editor={editor} />
      </div>
      {apps?.fromCache && <p className="note">{t('home.fromCache')}</p>}
      <ErrorAlert failure={failure ?? editor.failure} />
      {editor.draft && <p className="note">{t('home.editHint')}</p>}

      {!apps ? (
        <p className="empty">{t('home.loading')}</p>
      ) : (
        <>
          {!needle && (
            <section className="tile-section" aria-labelledby={`${baseId}-heading`}>
              <HomeLinks baseId={baseId} links={home} tiles={tiles} badges={badges} presence={presence} onOpen={openApp} />
            </section>
          )}
          <section className="tile-section" aria-labelledby={`${baseId}-all-heading`}>
            <div className="section-head">
              <h2 id={`${baseId}-all-heading`}>{t('home.all')}</h2>
              {/* Announces the number of results as the user types (the tiles themselves are not live). */}
              <p className="search-count" aria-live="polite">
                {needle ? (results.length ? t('home.matches', { count: results.length }) : t('home.noMatch', { query: shown })) : null}
              </p>
            </div>
            {tiles.length === 0 && <p className="empty">{t('home.noApps')}</p>}
            <TileGrid
              id={`${baseId}-all`}
              labelledBy={`${baseId}-all-heading`}
              tileIdPrefix={tileIdPrefix}
              tiles={tiles}
              results={results}
              aboveKey={[!needle, home.length, !!apps.fromCache, !!(failure ?? editor.failure), !!editor.draft, results.length === 0].join()}
              active={activeTile === undefined ? -1 : activeResult}
              badges={badges}
              onOpen={openApp}
              pinned={editor.draft}
              onTogglePin={editor.toggle}
            />
          </section>
          <ContactResults baseId={baseId} query={settled} active={activeContact} run={run} />
        </>
      )}
    </div>
  );
}

interface HomeLinksProps {
  baseId: string;
  links: HomeLink[];
  tiles: TileView[];
  badges: Record<string, string>;
  presence: Record<string, ContactPresence>;
  onOpen: (link: string) => void;
}

function HomeLinks({ baseId, links, tiles, badges, presence, onOpen }: HomeLinksProps) {
  const { t } = useI18n();
  // Only the linked apps' tiles: no map of the whole catalogue (thousands) for a few links.
  const byName = useMemo(() => {
    const wanted = new Set(links.map((link) => link.app));
    const found = new Map<string, TileView>();
    for (const tile of tiles) if (wanted.has(tile.name)) found.set(tile.name, tile);
    return found;
  }, [tiles, links]);
  // A link to an app the PBX no longer grants cannot be opened, so it is not shown.
  const shown = links.flatMap((link, i) => {
    const tile = byName.get(link.app);
    return tile ? [{ link, tile, i }] : [];
  });
  if (shown.length === 0) return <p className="empty">{t('home.empty')}</p>;
  return (
    <ul className="tile-grid">
      {shown.map(({ link, tile, i }) => (
        <Tile
          key={`${i}:${link.link}`}
          id={`${baseId}-home-${i}`}
          name={tile.name}
          link={link.link}
          title={link.label || tile.title}
          description={tile.text}
          iconUrl={tile.iconUrl}
          website={tile.website}
          badge={own(badges, tile.name)}
          showPresence={link.presenceSip !== undefined}
          presence={link.presenceSip === undefined ? undefined : own(presence, link.presenceSip)}
          active={false}
          onOpen={onOpen}
          pinnable={false}
          pinned={false}
          onTogglePin={undefined}
        />
      ))}
    </ul>
  );
}

interface HomeEditor {
  /** The apps pinned in the draft, in pin order; undefined when not editing. */
  draft: Set<string> | undefined;
  failure: ReturnType<typeof useCommand>['failure'];
  start(): void;
  cancel(): void;
  save(): Promise<void>;
  toggle: (name: string) => void;
}

/** Edit mode for the home screen: pins are a draft until "Done" saves them with setHome. */
function useHomeEditor(home: HomeLink[]): HomeEditor {
  const { failure, run } = useCommand();
  const [draft, setDraft] = useState<Set<string>>();
  const toggle = useCallback((name: string) => {
    setDraft((d) => {
      const next = new Set(d);
      if (!next.delete(name)) next.add(name);
      return next;
    });
  }, []);
  return {
    draft,
    failure,
    toggle,
    start: () => setDraft(new Set(home.map((l) => l.app))),
    cancel: () => setDraft(undefined),
    async save() {
      if (!draft) return;
      // Links that stay keep their exact text (args, label, presence); new pins are bare app names.
      const kept = home.filter((l) => draft.has(l.app)).map((l) => l.link);
      const added = [...draft].filter((name) => !home.some((l) => l.app === name));
      const result = await run({ type: 'setHome', links: [...kept, ...added] });
      if (result.ok) setDraft(undefined);
    },
  };
}

/** "Edit home", or "Done" and "Cancel" while editing; focus follows the button that replaces the pressed one. */
function EditControls({ editor }: { editor: HomeEditor }) {
  const { t } = useI18n();
  const editing = editor.draft !== undefined;
  const editRef = useRef<HTMLButtonElement>(null);
  const doneRef = useRef<HTMLButtonElement>(null);
  const moveFocus = useRef(false);
  useEffect(() => {
    if (!moveFocus.current) return;
    moveFocus.current = false;
    (editing ? doneRef : editRef).current?.focus();
  }, [editing]);
  const act = (action: () => void | Promise<void>) => () => {
    moveFocus.current = true;
    void action();
  };
  if (!editing) {
    return (
      <button ref={editRef} type="button" className="button" onClick={act(editor.start)}>
        {t('home.edit')}
      </button>
    );
  }
  return (
    <div className="button-row">
      <button type="button" className="button" onClick={act(editor.cancel)}>
        {t('home.cancelEdit')}
      </button>
      <button ref={doneRef} type="button" className="button button-primary" onClick={act(editor.save)}>
        {t('home.done')}
      </button>
    </div>
  );
}
