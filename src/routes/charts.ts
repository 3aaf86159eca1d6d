/**
 * Charts as server-rendered SVG (no client script), each with a text summary and a data table
 * for screen readers, on /charts, on / and /about, and as SVG files usable in articles.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { londonDateOf } from '../domain/calendar.js';
import type { LadderPoint } from '../domain/positions.js';
import { STANCES, type Stance } from '../domain/vocabulary.js';
import { RequestProblem } from '../plugins/errors.js';
import { longestSilences, positionsOverTime, stanceByKind, type KindRow } from '../tracker/charts.js';
import { campaignView, type InstitutionView, type Tracker } from '../tracker/tracker.js';
import { escapeHtml } from './feeds.js';
import { instantLabel, kindsLabel, longDate, plural, stanceLabel } from './format.js';
import { renderPage } from './page.js';
import { asOfQuery } from './schemas.js';

const FILL: Record<Stance, string> = { done: '#0b3d1a', committed: '#2e7d46', considering: '#c98a1b', refused: '#a8231a', none: '#b1b4b6' };
const STACK: Stance[] = ['done', 'committed', 'considering', 'refused', 'none'];
const W = 720;

function svg(id: string, title: string, desc: string, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" class="chart" role="img" aria-labelledby="${id}-title ${id}-desc">
<title id="${id}-title">${escapeHtml(title)}</title>
<desc id="${id}-desc">${escapeHtml(desc)}</desc>
<g font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="14" fill="#1b1b1b">${body}</g>
</svg>`;
}

/** The legend inside the SVG, for the chart as an image; pages show an HTML legend instead. */
function legend(y: number): string {
  return `<g class="legend">${STACK.map((s, i) => `<rect x="${10 + i * 140}" y="${y}" width="12" height="12" fill="${FILL[s]}"/><text x="${28 + i * 140}" y="${y + 11}">${stanceLabel(s)}</text>`).join('')}</g>`;
}

/** `history` is the whole series, when `points` shows only its latest weeks. */
export function positionsSummary(points: LadderPoint[], ask: { slug: string; title: string }, history: LadderPoint[] = points): string {
  const last = points[points.length - 1];
  if (!last || last.involved === 0) return `No institution was involved yet, so no position on “${ask.title}” is counted.`;
  const parts = [...STANCES].reverse().map((s) => `${last.byAsk[ask.slug]![s]} ${stanceLabel(s).toLowerCase()}`);
  const firstCommitted = history.find((p) => p.byAsk[ask.slug]!.committed + p.byAsk[ask.slug]!.done > 0);
  return (
    `Week by week from ${longDate(londonDateOf(points[0]!.at))}. At ${instantLabel(last.at)}, of ${plural(last.involved, 'institution')} involved: ${parts.join(', ')}.` +
    (firstCommitted ? ` The first commitment was counted in the week to ${longDate(londonDateOf(firstCommitted.at))}.` : ' None has committed.')
  );
}

export function positionsSvg(points: LadderPoint[], ask: { slug: string; title: string }, history: LadderPoint[] = points): string {
  const H = 260;
  const top = 20;
  const bottom = 200;
  const left = 40;
  const max = Math.max(1, ...points.map((p) => p.involved));
  const bar = (W - left - 10) / Math.max(points.length, 1);
  const bars = points
    .map((p, i) => {
      let y = bottom;
      return STACK.map((s) => {
        const h = ((bottom - top) * p.byAsk[ask.slug]![s]) / max;
        y -= h;
        return h > 0 ? `<rect x="${(left + i * bar).toFixed(2)}" y="${y.toFixed(2)}" width="${Math.max(bar - (bar > 3 ? 1 : 0), 0.5).toFixed(2)}" height="${h.toFixed(2)}" fill="${FILL[s]}"/>` : '';
      }).join('');
    })
    .join('');
  const axis = `<line x1="${left}" y1="${bottom}" x2="${W - 10}" y2="${bottom}" stroke="#1b1b1b"/><line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#1b1b1b"/>
<text x="${left - 6}" y="${bottom + 4}" text-anchor="end">0</text><text x="${left - 6}" y="${top + 4}" text-anchor="end">${max}</text>
<text x="${left}" y="${bottom + 18}">${points[0] ? longDate(londonDateOf(points[0].at)) : ''}</text>
<text x="${W - 10}" y="${bottom + 18}" text-anchor="end">${points.length ? longDate(londonDateOf(points[points.length - 1]!.at)) : ''}</text>`;
  return svg(`positions-${ask.slug}`, `Positions on “${ask.title}” over time`, positionsSummary(points, ask, history), H, bars + axis + legend(H - 25));
}

export function kindsSummary(rows: KindRow[], ask: { title: string }): string {
  if (rows.length === 0) return `No institution is involved yet.`;
  return rows.map((r) => `${kindsLabel(r.kind)}: ${r.byStance.committed + r.byStance.done} of ${r.involved} committed or done`).join('; ') + ` (on “${ask.title}”).`;
}

export function kindsSvg(rows: KindRow[], ask: { slug: string; title: string }): string {
  const rowH = 34;
  const H = 40 + rows.length * rowH + 30;
  const left = 200;
  const max = Math.max(1, ...rows.map((r) => r.involved));
  const body = rows
    .map((r, i) => {
      const y = 20 + i * rowH;
      let x = left;
      const segments = STACK.map((s) => {
        const w = ((W - left - 60) * r.byStance[s]) / max;
        const rect = w > 0 ? `<rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="22" fill="${FILL[s]}"/>` : '';
        x += w;
        return rect;
      }).join('');
      return `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(kindsLabel(r.kind))}</text>${segments}<text x="${(x + 6).toFixed(2)}" y="${y + 15}">${r.involved}</text>`;
    })
    .join('');
  return svg(`kinds-${ask.slug}`, `Positions on “${ask.title}” by kind of institution`, kindsSummary(rows, ask), H, body + legend(H - 25));
}

export function silencesSummary(list: InstitutionView[]): string {
  if (list.length === 0) return 'No institution is waiting to comment.';
  return list.map((i) => `${i.name}: ${plural(i.silence!.calendarDays, 'day')}`).join('; ') + '.';
}

export function silencesSvg(list: InstitutionView[]): string {
  const rowH = 30;
  const H = 30 + Math.max(list.length, 1) * rowH;
  const left = 300;
  const max = Math.max(1, ...list.map((i) => i.silence!.calendarDays));
  const body = list
    .map((i, n) => {
      const y = 10 + n * rowH;
      const w = ((W - left - 120) * i.silence!.calendarDays) / max;
      const name = i.name.length > 42 ? `${i.name.slice(0, 40)}…` : i.name;
      return `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(name)}</text><rect x="${left}" y="${y}" width="${Math.max(w, 1).toFixed(2)}" height="20" fill="#a8231a"/><text x="${(left + w + 6).toFixed(2)}" y="${y + 15}">${escapeHtml(plural(i.silence!.calendarDays, 'day'))}</text>`;
    })
    .join('');
  return svg('silences', 'Longest without comment', silencesSummary(list), H, body || '<text x="10" y="20">No institution is waiting to comment.</text>');
}

/**
 * Every chart with its summary and table data, as at T. `weeks` keeps only the latest weeks of
 * the positions over time (the overview shows the last half-year; /charts the whole history).
 */
export function chartSet(t: Tracker, asOf: number, weeks?: number) {
  const asks = campaignView(t).asks;
  const all = positionsOverTime(t, asOf);
  const points = weeks === undefined ? all : all.slice(-weeks);
  const silences = longestSilences(t, asOf, 10);
  return {
    asks,
    positions: asks.map((ask) => ({ ask, points, svg: positionsSvg(points, ask, all), summary: positionsSummary(points, ask, all) })),
    kinds: asks.map((ask) => {
      const rows = stanceByKind(t, asOf, ask.slug);
      return { ask, rows, svg: kindsSvg(rows, ask), summary: kindsSummary(rows, ask) };
    }),
    silences: { list: silences, svg: silencesSvg(silences), summary: silencesSummary(silences) },
  };
}

export default async function chartRoutes(app: FastifyInstance) {
  const t = app.tracker;
  const schema = { querystring: { type: 'object', properties: asOfQuery } };
  const sendSvg = (reply: FastifyReply, body: string) =>
    reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(body);
  const askOf = (slug: string) => {
    const ask = campaignView(t).asks.find((a) => a.slug === slug);
    if (!ask) throw new RequestProblem(404, `“${slug}” is not one of the campaign’s asks`, 'ask');
    return ask;
  };

  app.get('/charts', { schema }, async (request, reply) =>
    renderPage(request, reply, 'charts/index', 'Charts', { charts: chartSet(t, request.asOf), baseUrl: t.baseUrl }),
  );
  app.get<{ Params: { ask: string } }>('/charts/positions/:ask.svg', { schema }, async (request, reply) =>
    sendSvg(reply, positionsSvg(positionsOverTime(t, request.asOf), askOf(request.params.ask))),
  );
  app.get<{ Params: { ask: string } }>('/charts/kinds/:ask.svg', { schema }, async (request, reply) => {
    const ask = askOf(request.params.ask);
    return sendSvg(reply, kindsSvg(stanceByKind(t, request.asOf, ask.slug), ask));
  });
  app.get('/charts/silences.svg', { schema }, async (request, reply) => sendSvg(reply, silencesSvg(longestSilences(t, request.asOf, 10))));
}
