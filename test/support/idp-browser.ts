/**
 * A browser just good enough for the emulator's identity provider (test/pbx/idp.ts), driven by
 * HTTP from Node tests: follows redirects by hand, keeps cookies per host (oidc-provider ties an
 * interaction to its cookies) and posts the sign-in form. Real HTTP against the real provider.
 */
export interface IdpPage {
  url: string;
  status: number;
  text: string;
}

export class IdpBrowser {
  /** host → cookie name → value. Hosts, not ports: as browsers keep cookies. */
  private readonly jar = new Map<string, Map<string, string>>();

  /** GET `url` and follow redirects. */
  open(url: string): Promise<IdpPage> {
    return this.request(url, { method: 'GET' });
  }

  /**
   * Submit the page's form with `fields` (plus `action`: the button pressed — `signin` or
   * `cancel`, as the page's buttons name them).
   */
  submit(page: IdpPage, fields: Record<string, string>, action: 'signin' | 'cancel' = 'signin'): Promise<IdpPage> {
    const m = /<form[^>]*action="([^"]+)"/.exec(page.text);
    if (!m) throw new Error(`no form on ${page.url}: ${page.text.slice(0, 300)}`);
    const target = new URL(m[1]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))), page.url).href;
    const body = new URLSearchParams({ ...fields, action }).toString();
    return this.request(target, { method: 'POST', body, contentType: 'application/x-www-form-urlencoded' });
  }

  /** Open the sign-in page, sign in and return the last page (the emulator's "Signed in." or the form with an error). */
  async signIn(url: string, username: string, password: string): Promise<IdpPage> {
    return this.submit(await this.open(url), { username, password });
  }

  private async request(url: string, init: { method: string; body?: string; contentType?: string }): Promise<IdpPage> {
    let current = url;
    let method = init.method;
    let body = init.body;
    for (let hop = 0; hop < 20; hop++) {
      const u = new URL(current);
      const headers: Record<string, string> = {};
      const cookies = this.jar.get(u.hostname);
      if (cookies?.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      if (body !== undefined && init.contentType) headers['content-type'] = init.contentType;
      const res = await fetch(current, { method, headers, redirect: 'manual', ...(body !== undefined && { body }) });
      this.keep(u.hostname, res.headers.getSetCookie());
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        current = new URL(location, current).href;
        // 303 (and 301/302 after a POST, as browsers do) turns into a GET.
        if (res.status !== 307 && res.status !== 308) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      return { url: current, status: res.status, text: await res.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  private keep(host: string, setCookies: string[]): void {
    let cookies = this.jar.get(host);
    if (!cookies) this.jar.set(host, (cookies = new Map()));
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // An expired or emptied cookie is removed, as a browser would.
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
  }
}
