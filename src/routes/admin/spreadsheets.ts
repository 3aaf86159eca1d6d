/**
 * Spreadsheets in and out. An upload is checked first: a preview shows how many rows would
 * update, add or leave unchanged, the rows to write, warnings (possible duplicates) and problems
 * (the first 200, and how many more), and nothing is written until it is confirmed. The checked file waits server-side (records/pending-imports), not in the session.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describeError, importEventsCsv, importInstitutionsCsv, moreProblems, moreWarnings, type CsvInput, type ImportReport } from '../../records/csv-import.js';
import { keepPendingImport, takePendingImport, type ImportKind } from '../../records/pending-imports.js';
import { actorOf, checkCsrf } from '../../plugins/sessions.js';
import type { Readable } from 'node:stream';
import { holdDownloadSlot } from '../../plugins/downloads.js';
import { csvRows } from '../../render/csv.js';
import { pagedBody } from '../../render/download.js';
import { eventColumns, eventRecordPages, institutionColumns, institutionRecords, withSnapshot } from '../../tracker/export.js';
import { importDone, type ImportCounts } from '../../render/format.js';
import { renderPage } from '../../render/page.js';

declare module 'fastify' {
  interface Session {
    /** The id of the checked spreadsheet waiting for this user to confirm it. */
    pendingImport?: string;
  }
  interface FastifyContextConfig {
    /** Shows an upload's problem (too large, too many fields) on the form it came from, beside the file field. */
    uploadProblem?: (request: FastifyRequest, reply: FastifyReply, message: string) => Promise<unknown>;
  }
}

interface Preview {
  kind: ImportKind;
  name: string;
  /** The first rows to add or update. */
  rows: unknown[];
  total: number;
  counts: ImportCounts;
  problems: string[];
  problemCount: number;
  more: string | null;
  warnings: string[];
  warningCount: number;
  moreWarnings: string | null;
}

export default async function adminSpreadsheetRoutes(app: FastifyInstance) {
  const t = app.tracker;

  const run = (kind: ImportKind, file: CsvInput, dryRun: boolean, request: FastifyRequest): ImportReport<unknown> => {
    const now = app.now();
    const actor = actorOf(request);
    return kind === 'events'
      ? importEventsCsv(t.db, file, { calendar: t.calendar, now, createdBy: actor.name, dryRun, actor })
      : importInstitutionsCsv(t.db, file, { now, dryRun, actor, mayUpdate: request.user!.role === 'admin' });
  };

  const preview = (kind: ImportKind, name: string, report: ImportReport<unknown>): Preview => ({
    kind,
    name,
    rows: report.preview,
    total: report.valid,
    counts: report,
    problems: report.problems.map(describeError),
    problemCount: report.problemCount,
    more: moreProblems(report),
    warnings: report.warnings.map(describeError),
    warningCount: report.warningCount,
    moreWarnings: moreWarnings(report),
  });

  const showPage = (request: FastifyRequest, reply: FastifyReply, data: { errors?: Record<string, string>; preview?: Preview }) =>
    renderPage(request, reply, 'admin/spreadsheets', 'Spreadsheets', {
      errors: data.errors ?? {},
      preview: data.preview ?? null,
      maxMegabytes: app.config.maxUploadBytes / 1024 / 1024,
      csrf: reply.generateCsrf(),
    });

  app.get('/admin/spreadsheets', async (request, reply) => showPage(request, reply, {}));

  app.post<{ Body: { kind?: string; file?: Buffer; _csrf?: string } }>(
    '/admin/spreadsheets/preview',
    {
      preHandler: checkCsrf(app),
      config: { uploadProblem: (request, reply, message) => showPage(request, reply, { errors: { file: message } }) },
    },
    async (request, reply) => {
      const kind = request.body?.kind;
      const file = request.body?.file;
      const errors: Record<string, string> = {};
      if (kind !== 'events' && kind !== 'institutions') errors.kind = 'Choose what the file holds: events or institutions';
      if (!Buffer.isBuffer(file) || file.length === 0) errors.file = 'Choose a CSV file to upload';
      if (Object.keys(errors).length > 0) return showPage(request, reply.code(400), { errors });
      const k = kind as ImportKind;
      const name = (request.body as { filename?: string }).filename ?? 'the file';
      const report = run(k, file!, true, request);
      // A file that would change nothing waits for no confirmation.
      const waits = report.problemCount === 0 && report.toAdd + report.toUpdate > 0;
      request.session.pendingImport = waits ? keepPendingImport(t.db, request.user!.id, { kind: k, name, content: file! }, app.now()) : undefined;
      return showPage(request, reply.code(report.problemCount > 0 ? 400 : 200), { preview: preview(k, name, report) });
    },
  );

  app.post('/admin/spreadsheets/confirm', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const id = request.session.pendingImport;
    request.session.pendingImport = undefined;
    const pending = id ? takePendingImport(t.db, id, request.user!.id, app.now()) : null;
    if (!pending) return showPage(request, reply.code(400), { errors: { file: 'There is no checked file waiting (files wait an hour); upload it again' } });
    const report = run(pending.kind, pending.content, false, request);
    if (report.problemCount > 0) return showPage(request, reply.code(400), { preview: preview(pending.kind, pending.name, { ...report, preview: [] }) });
    request.session.flash = importDone(report, pending.kind === 'events' ? 'event' : 'institution');
    return reply.redirect('/admin', 303);
  });

  const download = (reply: FastifyReply, name: string, csv: string | Readable) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'private, no-store').send(csv);

  app.get('/admin/export/events.csv', async (_request, reply) => {
    await holdDownloadSlot(app, reply);
    const pages = withSnapshot(t, (snapshot) => eventRecordPages(snapshot, { working: true }));
    return download(reply, 'events.csv', pagedBody(pages, (records) => csvRows(records), csvRows([eventColumns(t, { working: true })])));
  });
  app.get('/admin/export/institutions.csv', async (_request, reply) =>
    download(reply, 'institutions.csv', csvRows([institutionColumns(), ...institutionRecords(t)])),
  );
}
