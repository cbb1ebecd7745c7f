/**
 * How the client reaches the PBX, as the OS would: the shell's system proxy (Electron asks
 * Chromium) or, in plain Node, the proxy environment variables; and the proxy credentials the
 * user typed, kept in memory for this run only — never in a file, the keychain or a log.
 */
import type { Logger } from '../common/log.js';
import type { PbxSessionOptions } from '../pbx/session.js';
import { environmentProxy, type ProxyCredentials } from '../pbx/proxy.js';
import type { ShellPort } from './shell-port.js';

export class NetworkAccess {
  /** By proxy `host:port`. */
  private readonly credentials = new Map<string, ProxyCredentials>();

  constructor(
    private readonly shell: ShellPort,
    private readonly log: Logger,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  /** What a PBX session needs to find its way: the proxy per URL, and credentials per proxy. */
  sessionOptions(): Pick<PbxSessionOptions, 'proxyFor' | 'proxyCredentials'> {
    return {
      proxyFor: (url) => {
        if (this.shell.resolveProxy) return this.shell.resolveProxy(url);
        const env = environmentProxy(this.env);
        for (const problem of env.problems) this.log('warn', problem);
        return env.resolve(url);
      },
      proxyCredentials: (proxy) => this.credentials.get(proxy) ?? (this.shell.resolveProxy ? undefined : environmentProxy(this.env).credentials(proxy)),
    };
  }

  /** The user's answer to a proxy's question, for this run. */
  remember(proxy: string, credentials: ProxyCredentials): void {
    this.credentials.set(proxy, { ...credentials });
  }
}
