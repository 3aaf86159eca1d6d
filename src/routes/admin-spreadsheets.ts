/**
 * Spreadsheets in and out. An upload is checked first: a preview shows what would be created
 * and every bad row, and nothing is written until it is confirmed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describeError, importEventsCsv, importInstitutionsCsv, type RowError } from '../records/csv-import.js';
import { checkCsrf } from '../plugins/sessions.js';
import { eventsCsv, institutionsCsv } from '../tracker/export.js';
import { actorOf } from './admin.js';
import { requireUser } from './auth.js';
import { renderPage } from './page.js';

declare module 'fastify' {
  interface Session {
    pendingImport?: { kind: 'events' | 'institutions'; name: string; csv: string };
  }
}

type Kind = 'events' | 'institutions';

export default async function adminSpreadsheetRoutes(app: FastifyInstance) {
  const t = app.tracker;
  app.addHook('preHandler', requireUser());

  const check = (kind: Kind, csv: string, dryRun: boolean, request: FastifyRequest) => {
    const now = app.now();
    const actor = actorOf(request);
    return kind === 'events'
      ? importEventsCsv(t.db, csv, { calendar: t.calendar, now, createdBy: actor.name, dryRun, actor })
      : importInstitutionsCsv(t.db, csv, { now, dryRun, actor });
  };

  const showPage = (request: FastifyRequest, reply: FastifyReply, data: { errors?: Record<string, string>; preview?: unknown }) =>
    renderPage(request, reply, 'admin/spreadsheets', 'Spreadsheets', {
      errors: data.errors ?? {},
      preview: data.preview ?? null,
      maxMegabytes: app.config.maxUploadBytes / 1024 / 1024,
      csrf: reply.generateCsrf(),
    });

  app.get('/admin/spreadsheets', async (request, reply) => showPage(request, reply, {}));

  app.post<{ Body: { kind?: string; file?: Buffer; _csrf?: string } }>(
    '/admin/spreadsheets/preview',
    { preHandler: checkCsrf(app) },
    async (request, reply) => {
      const kind = request.body?.kind;
      const file = request.body?.file;
      const errors: Record<string, string> = {};
      if (kind !== 'events' && kind !== 'institutions') errors.kind = 'Choose what the file holds: events or institutions';
      if (!Buffer.isBuffer(file) || file.length === 0) errors.file = 'Choose a CSV file to upload';
      if (Object.keys(errors).length > 0) return showPage(request, reply.code(400), { errors });
      const csv = file!.toString('utf8');
      const result = check(kind as Kind, csv, true, request);
      const name = (request.body as { filename?: string }).filename ?? 'the file';
      if (result.errors.length === 0) request.session.pendingImport = { kind: kind as Kind, name, csv };
      else request.session.pendingImport = undefined;
      return showPage(request, reply.code(result.errors.length > 0 ? 400 : 200), {
        preview: {
          kind,
          rows: result.rows.slice(0, 100),
          total: result.rows.length,
          problems: result.errors.map((e: RowError) => describeError(e)),
        },
      });
    },
  );

  app.post('/admin/spreadsheets/confirm', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const pending = request.session.pendingImport;
    request.session.pendingImport = undefined;
    if (!pending) return showPage(request, reply.code(400), { errors: { file: 'There is no checked file waiting; upload it again' } });
    const result = check(pending.kind, pending.csv, false, request);
    if (result.errors.length > 0) {
      return showPage(request, reply.code(400), { preview: { kind: pending.kind, rows: [], total: 0, problems: result.errors.map(describeError) } });
    }
    request.session.flash = `Imported ${result.written} ${pending.kind}.`;
    return reply.redirect('/admin', 303);
  });

  const download = (reply: FastifyReply, name: string, csv: string) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(csv);

  app.get('/admin/export/events.csv', async (_request, reply) => download(reply, 'events.csv', eventsCsv(t.db, { includeDrafts: true })));
  app.get('/admin/export/institutions.csv', async (_request, reply) => download(reply, 'institutions.csv', institutionsCsv(t.db)));
}
