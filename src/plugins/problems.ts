/** What a handler or a hook says when it refuses a request: the one error handler (errors.ts) answers it. */
import type { FastifyRequest } from 'fastify';

/** An error meant for the person who made the request, with the parameter at fault. */
export class RequestProblem extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly parameter: string | null = null,
  ) {
    super(message);
    this.name = 'RequestProblem';
  }
}

export const wantsJson = (request: FastifyRequest): boolean => /^\/(api|healthz)(\/|$|\?)/.test(request.url);
