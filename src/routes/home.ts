import type { FastifyInstance } from 'fastify';
import { STANCE_VERBS } from './format.js';
import { renderPage } from './page.js';
import { overview } from '../tracker/tracker.js';
import type { AskCount } from '../domain/positions.js';
import { asOfQuery } from './schemas.js';

/** "1 of 4 institutions involved has committed to independent review" – the highest rung anyone has reached. */
export function headline(count: AskCount & { title: string }): string {
  const order = ['done', 'committed', 'considering', 'refused'] as const;
  const top = order.find((s) => count.byStance[s] > 0);
  if (!top) return `None of the ${count.involved} institutions involved has stated a position on “${count.title}”.`;
  const n = count.byStance[top];
  const verb = STANCE_VERBS[top].replace(/^has /, n === 1 ? 'has ' : 'have ').replace(/^is /, n === 1 ? 'is ' : 'are ');
  return `${n} of ${count.involved} institutions involved ${verb} “${count.title}”.`;
}

export default async function homeRoutes(app: FastifyInstance) {
  app.get('/', { schema: { querystring: { type: 'object', properties: asOfQuery } } }, async (request, reply) => {
    const data = overview(app.tracker, request.asOf);
    return renderPage(request, reply, 'home/index', 'Overview', { overview: data, headline });
  });
}
