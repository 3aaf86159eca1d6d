/** Attachments on events: upload (type read from the content), public switch, removal, serving with safe headers, 404 to readers for non-public files. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { attachments, auditLog } from '../../src/db/schema.js';
import { storedPath } from '../../src/records/files.js';
import { contact, institution } from '../factories.js';
import { dom, makeApp, signedIn, words, type TestApp } from '../helpers.js';
import type { Client } from '../session.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a0000000000049454e44ae426082', 'hex');

let t: TestApp;
let editor: Client;
let eventId: number;

beforeEach(async () => {
  t = await makeApp({ env: { MAX_ATTACHMENT_MB: '1' } });
  editor = (await signedIn(t)).client;
  eventId = contact(t.app.tracker.db, institution(t.app.tracker.db, { name: 'Southdown Police' }), { summary: 'Wrote to Southdown Police' });
});
afterEach(async () => {
  await t.close();
});

const rows = () => t.app.tracker.db.select().from(attachments).all();

async function upload(name: string, content: Buffer | string, fields: Record<string, string> = {}) {
  const _csrf = await editor.csrf(`/admin/events/${eventId}/attachments`);
  return editor.upload(`/admin/events/${eventId}/attachments`, { _csrf, ...fields }, { name, field: 'file', content });
}

describe('uploading an attachment', () => {
  it('keeps a PDF once under its SHA-256, lists it, and serves it as a download with safe headers', async () => {
    const res = await upload('Letter to the chief constable.pdf', PDF, { public: 'yes' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/admin/events/${eventId}/attachments`);
    const [row] = rows();
    expect(row).toMatchObject({ eventId, name: 'Letter to the chief constable.pdf', contentType: 'application/pdf', size: PDF.length, public: true, source: 'upload' });
    const file = storedPath(t.app.config.filesDir, row!.sha256);
    expect(path.relative(t.app.config.filesDir, file)).toBe(`${row!.sha256.slice(0, 2)}/${row!.sha256}`);
    expect(fs.readFileSync(file)).toEqual(PDF);
    expect(fs.readdirSync(path.join(t.app.config.filesDir, '.incoming'))).toEqual([]);
    // The same bytes again: one file kept.
    await upload('copy.pdf', PDF);
    expect(rows()).toHaveLength(2);
    expect(new Set(rows().map((r) => r.sha256)).size).toBe(1);
    expect(t.app.tracker.db.select().from(auditLog).where(eq(auditLog.action, 'attachment.add')).all()).toHaveLength(2);

    const page = dom((await editor.get(`/admin/events/${eventId}/attachments`)).body);
    expect([...page.querySelectorAll('tbody th')].map((th) => words(th))).toEqual(['Letter to the chief constable.pdf', 'copy.pdf']);

    // Anyone: a public file on a published event.
    const served = await t.app.inject({ method: 'GET', url: `/attachments/${row!.id}/${encodeURIComponent(row!.name)}` });
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload).toEqual(PDF);
    expect(served.headers['content-type']).toBe('application/pdf');
    expect(served.headers['content-disposition']).toBe(`attachment; filename="Letter to the chief constable.pdf"; filename*=UTF-8''Letter%20to%20the%20chief%20constable.pdf`);
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['content-security-policy']).toBe("sandbox; default-src 'none'");

    // The public event page lists the public file (name, type, size), and not the other.
    const show = dom((await t.app.inject({ method: 'GET', url: `/events/${eventId}` })).body);
    expect([...show.querySelectorAll('ul.attachments li')].map((li) => words(li))).toEqual([`Letter to the chief constable.pdf (PDF, ${PDF.length} bytes)`]);
  });

  it('answers 404 to readers for a file not marked public, and serves it to campaigners', async () => {
    await upload('private.png', PNG);
    const [row] = rows();
    expect(row).toMatchObject({ contentType: 'image/png', public: false });
    const url = `/attachments/${row!.id}/private.png`;
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    const mine = await editor.get(url);
    expect(mine.statusCode).toBe(200);
    expect(mine.headers['cache-control']).toContain('no-store');
    // Made public, then removed.
    await editor.post(`/admin/attachments/${row!.id}/public`, { _csrf: await editor.csrf(`/admin/events/${eventId}/attachments`), public: 'yes' });
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(200);
    const removed = await editor.post(`/admin/attachments/${row!.id}/delete`, { _csrf: await editor.csrf(`/admin/events/${eventId}/attachments`) });
    expect(removed.statusCode).toBe(303);
    expect(rows()).toHaveLength(0);
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/attachments/x/y' })).statusCode).toBe(404);
  });

  it('refuses by content: an HTML file named .pdf, an executable, an empty or too large file; the message beside the field, nothing kept', async () => {
    const cases: [string, Buffer | string, RegExp][] = [
      ['report.pdf', '<!DOCTYPE html><html><script>alert(1)</script></html>', /web page or other markup/],
      ['tool.pdf', Buffer.from('4d5a90000300000004000000ffff0000b800000000000000400000000000000000000000', 'hex'), /does not accept|could not tell/],
      ['empty.pdf', '', /Choose a file|empty/],
      ['big.pdf', Buffer.concat([PDF, Buffer.alloc(1024 * 1024)]), /too large: attach a file of at most 1 MB/],
    ];
    for (const [name, content, message] of cases) {
      const res = await upload(name, content, { public: 'yes' });
      expect(res.statusCode, name).toBe(400);
      const page = dom(res.body);
      expect(words(page.querySelector('.error-summary')), name).toMatch(message);
      expect(words(page.querySelector('#file-error')), name).toMatch(message);
      expect(page.querySelector('#public')!.hasAttribute('checked'), name).toBe(true);
    }
    expect(rows()).toHaveLength(0);
    const kept = fs.existsSync(t.app.config.filesDir) ? fs.readdirSync(t.app.config.filesDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : [];
    expect(kept).toEqual([]);
  });

  it('makes the name safe: no folders, no control characters, a sensible length', async () => {
    await upload('../../x', 'plain words, nothing more\n');
    expect(rows()[0]).toMatchObject({ name: 'x', contentType: 'text/plain' });
  });

  it('needs a session and a CSRF token', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: `/admin/events/${eventId}/attachments` });
    expect(anonymous.statusCode).toBe(303);
    const forged = await editor.upload(`/admin/events/${eventId}/attachments`, { _csrf: 'forged' }, { name: 'a.pdf', field: 'file', content: PDF });
    expect(forged.statusCode).toBe(403);
    expect(rows()).toHaveLength(0);
  });
});
