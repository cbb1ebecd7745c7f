/**
 * Which app handles something when several could (a call link and two phone apps, any Client
 * API request without a provider): decided here once for every API.
 *
 * In this order: the IT policy's enforced default for the API (locked), the user's default,
 * the policy's default; one candidate is taken as it is; otherwise the user picks by title in
 * a prompt (one at a time per purpose) and may keep the choice as the default for that API.
 * A default that is not among the candidates (the app is gone) is ignored, never followed.
 */
import type { DefaultProviderEntry, ProviderPrompt } from '../bridge/views.js';
import type { Logger } from '../common/log.js';

export interface ProviderCandidate {
  name: string;
  title: string;
}

export interface DefaultLevels {
  enforced: ReadonlyMap<string, string>;
  user: ReadonlyMap<string, string>;
  defaults: ReadonlyMap<string, string>;
}

export interface ProviderChoiceDeps {
  levels(): DefaultLevels;
  /** Keep the user's default for an API (settings file). */
  remember(api: string, provider: string): Promise<void>;
  changed(prompts: ProviderPrompt[]): void;
  log: Logger;
}

/** The default for `api` among `candidates`, by precedence, or undefined (then: one candidate, or ask). */
export function defaultProvider(levels: DefaultLevels, api: string, candidates: readonly ProviderCandidate[]): string | undefined {
  for (const level of [levels.enforced, levels.user, levels.defaults]) {
    const name = level.get(api);
    if (name !== undefined && candidates.some((c) => c.name === name)) return name;
  }
  return undefined;
}

interface Pending {
  prompt: ProviderPrompt;
  resolve: (provider: string | undefined) => void;
}

/** Prompts waiting at once; more are refused (cancelled) rather than queued without bound. */
export const MAX_PROVIDER_PROMPTS = 8;

export class ProviderChoice {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;

  constructor(private readonly deps: ProviderChoiceDeps) {}

  get prompts(): ProviderPrompt[] {
    return [...this.pending.values()].map((p) => p.prompt);
  }

  /**
   * The provider decided without asking: the default by precedence, else the only candidate;
   * undefined when the user has to choose (or there is none). The core resolves a request
   * without `provider` to this, and `ApiUpdate.defaultApiProviders` names it.
   */
  resolve(api: string, candidates: readonly ProviderCandidate[]): string | undefined {
    return defaultProvider(this.deps.levels(), api, candidates) ?? (candidates.length === 1 ? candidates[0]!.name : undefined);
  }

  /** The provider to use, asking the user when it is theirs to decide; undefined: none, or the user cancelled. */
  choose(api: string, purpose: string, candidates: readonly ProviderCandidate[]): Promise<string | undefined> {
    return this.ask(api, purpose, candidates).answer;
  }

  /**
   * As `choose`, and the question can be withdrawn (the app that asked went away: its answer,
   * undefined, goes nowhere). `consumer`: the title of the app asking, shown with the question.
   */
  ask(api: string, purpose: string, candidates: readonly ProviderCandidate[], consumer?: string): { answer: Promise<string | undefined>; withdraw(): void } {
    const decided = (name: string | undefined) => ({ answer: Promise.resolve(name), withdraw: () => {} });
    if (candidates.length === 0) return decided(undefined);
    const chosen = this.resolve(api, candidates);
    if (chosen !== undefined) return decided(chosen);
    if (this.pending.size >= MAX_PROVIDER_PROMPTS) {
      this.deps.log('warn', 'a provider choice was dropped: too many waiting for the user', { api });
      return decided(undefined);
    }
    const prompt: ProviderPrompt = { id: `choose-${++this.counter}`, api, purpose, providers: candidates.map((c) => ({ name: c.name, title: c.title })), ...(consumer !== undefined && { consumer }) };
    const answer = new Promise<string | undefined>((resolve) => {
      this.pending.set(prompt.id, { prompt, resolve });
      this.deps.changed(this.prompts);
    });
    const withdraw = () => {
      const entry = this.pending.get(prompt.id);
      if (!entry) return;
      this.pending.delete(prompt.id);
      this.deps.changed(this.prompts);
      entry.resolve(undefined);
    };
    return { answer, withdraw };
  }

  /** The user's answer; `provider` undefined: cancelled. False: no such prompt, or a provider it did not offer. */
  async answer(id: string, provider: string | undefined, remember: boolean): Promise<boolean> {
    const entry = this.pending.get(id);
    if (!entry || (provider !== undefined && !entry.prompt.providers.some((p) => p.name === provider))) return false;
    this.pending.delete(id);
    this.deps.changed(this.prompts);
    if (provider !== undefined && remember) {
      try {
        await this.deps.remember(entry.prompt.api, provider);
      } catch (e) {
        this.deps.log('warn', 'a default provider could not be saved', { api: entry.prompt.api, error: String(e) });
      }
    }
    entry.resolve(provider);
    return true;
  }

  /** Every default in force, for Settings. */
  entries(): DefaultProviderEntry[] {
    const { enforced, user, defaults } = this.deps.levels();
    const apis = [...new Set([...enforced.keys(), ...user.keys(), ...defaults.keys()])].sort();
    return apis.map((api) => {
      const locked = enforced.get(api);
      if (locked !== undefined) return { api, provider: locked, locked: true, source: 'enforced' };
      const mine = user.get(api);
      return mine !== undefined ? { api, provider: mine, locked: false, source: 'user' } : { api, provider: defaults.get(api)!, locked: false, source: 'policy-default' };
    });
  }
}
