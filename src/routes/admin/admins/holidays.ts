/**
 * The bank holiday list: how far it reaches, and an upload of gov.uk's bank-holidays.json (or a
 * CSV of date,title) that adds the holidays it lacks, as `npm run import -- holidays` does.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { holidaySummary, importHolidays, MAX_HOLIDAY_FILE_BYTES, parseHolidayFile } from '../../../records/holidays.js';
import { actorOf, checkCsrf } from '../../../plugins/sessions.js';
import { londonDateOf } from '../../../domain/calendar.js';
import { renderPage } from '../../../render/page.js';
import { calendarState } from '../../../tracker/health.js';

export default async function holidayRoutes(app: FastifyInstance) {
  const t = app.tracker;

  const showPage = (request: FastifyRequest, reply: FastifyReply, errors: Record<string, string> = {}, problems: string[] = []) => {
    const calendar = t.calendar;
    const today = londonDateOf(app.now());
    return renderPage(request, reply, 'admin/holidays', 'Bank holidays', {
      errors,
      problems,
      calendar: calendarState(t, app.now()),
      firstYear: calendar.firstYear,
      lastYear: calendar.lastYear,
      coming: calendar.holidays.filter((h) => h.date >= today).slice(0, 12),
      maxKilobytes: MAX_HOLIDAY_FILE_BYTES / 1024,
      csrf: reply.generateCsrf(),
    });
  };

  app.get('/admin/holidays', async (request, reply) => showPage(request, reply));

  app.post<{ Body: { file?: Buffer; _csrf?: string } }>(
    '/admin/holidays',
    {
      preHandler: checkCsrf(app),
      config: { uploadProblem: (request, reply, message) => showPage(request, reply, { file: message }) },
    },
    async (request, reply) => {
      const file = request.body?.file;
      if (!Buffer.isBuffer(file) || file.length === 0) return showPage(request, reply.code(400), { file: 'Choose gov.uk’s bank-holidays.json, or a CSV with the columns date and title' });
      if (file.length > MAX_HOLIDAY_FILE_BYTES) return showPage(request, reply.code(400), { file: `The file is larger than ${MAX_HOLIDAY_FILE_BYTES / 1024} KB: it is not a bank holiday list` });
      const parsed = parseHolidayFile(file);
      if (!parsed.ok) return showPage(request, reply.code(400), { file: 'The file cannot be used: nothing was added (the problems are listed below the form)' }, parsed.problems);
      const result = importHolidays(t.db, app.config.dataDir, parsed.holidays, actorOf(request), app.now());
      if (result.problems.length > 0) return showPage(request, reply.code(400), { file: 'The file cannot be used: nothing was added (the problems are listed below the form)' }, result.problems);
      app.reloadCalendar();
      request.session.flash = `The bank holiday list: ${holidaySummary(result)}`;
      return reply.redirect('/admin/holidays', 303);
    },
  );
}
