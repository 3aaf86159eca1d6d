/** A browser-like client over app.inject: keeps cookies, reads CSRF tokens from forms. */
import type { FastifyInstance } from 'fastify';

export class Client {
  private cookies = new Map<string, string>();
  /** `remoteAddress`: the address the client connects from (127.0.0.1 unless given). */
  constructor(
    private readonly app: FastifyInstance,
    private readonly options: { remoteAddress?: string } = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(setCookie: string | string[] | undefined) {
    for (const line of [setCookie ?? []].flat()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (/Expires=Thu, 01 Jan 1970/i.test(line) || value.join('=') === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
  }

  async get(url: string) {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() }, remoteAddress: this.options.remoteAddress });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  async post(url: string, fields: Record<string, string | string[]>) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    const res = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.options.remoteAddress,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  /** Posts a multipart form with one file, as a browser uploads it. */
  async upload(url: string, fields: Record<string, string>, file: { name: string; field: string; content: string | Buffer }) {
    const boundary = '----tracker-test-boundary';
    const parts: Buffer[] = [];
    for (const [k, v] of Object.entries(fields)) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    }
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`));
    parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
    parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
    const res = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.options.remoteAddress,
      headers: { cookie: this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat(parts),
    });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  /** The CSRF token in the page at `url`. */
  async csrf(url: string): Promise<string> {
    const res = await this.get(url);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (!token) throw new Error(`No CSRF token on ${url} (status ${res.statusCode})`);
    return token;
  }

  async signIn(email: string, password: string) {
    const _csrf = await this.csrf('/login');
    return this.post('/login', { _csrf, email, password });
  }

  hasSession(): boolean {
    return this.cookies.has('tracker_session');
  }
}
