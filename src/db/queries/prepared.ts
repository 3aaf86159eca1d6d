/** Prepared statements, kept per connection and per SQL text. */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../client.js';

const cache = new WeakMap<Db, Map<string, Statement>>();
export function prepared(db: Db, sql: string): Statement {
  let statements = cache.get(db);
  if (!statements) cache.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.$client.prepare(sql)));
  return statement;
}
