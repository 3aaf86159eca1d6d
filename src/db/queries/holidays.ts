/** The bank holidays added to this database since the release. */
import type { Db } from '../client.js';
import { bankHolidays } from '../schema.js';

export function addedHolidays(db: Db): { date: string; title: string }[] {
  return db.select({ date: bankHolidays.date, title: bankHolidays.title }).from(bankHolidays).all();
}

/** A token that changes whenever holidays are added, so that a running server can see another process's import. */
export function holidaysToken(db: Db): string {
  const row = db.$client.prepare('SELECT count(*) AS n, max(date) AS last FROM bank_holidays').get() as { n: number; last: string | null };
  return `${row.n}|${row.last ?? ''}`;
}

