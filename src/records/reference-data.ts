/**
 * The shipped data in `data/`: the campaign, the bank holidays, and the reference directory
 * (police forces, mental health trusts, ICBs, other institutions, local scheme names).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { WorkingCalendar, type BankHoliday } from '../domain/calendar.js';
import type { InstitutionKind } from '../domain/vocabulary.js';
import { orNull } from './fields.js';
import type { InstitutionInput } from './institutions.js';

export interface CampaignFile {
  title: string;
  summary: string;
  website?: string;
  asks: { slug: string; title: string; description: string }[];
  replyWindowWorkingDays?: { foi?: number; default?: number };
  /** The events file in the data directory (default `events.csv`); it may be absent. */
  eventsFile?: string;
  /** The London date the campaign ended (`YYYY-MM-DD`), for a campaign that has. */
  endedOn?: string;
  /** What came of it, with the sources that say so. */
  outcome?: { text: string; sources?: { title: string; url: string }[] };
  /** After how many days without a new event silence figures say when the record was last updated (default 30). */
  staleAfterDays?: number;
}

/** An institution as the shipped directory describes it. */
export type DirectoryEntry = InstitutionInput;

/** The events file of a campaign.json that names none. */
export const DEFAULT_EVENTS_FILE = 'events.csv';

export const eventsFileOf = (file: CampaignFile): string => file.eventsFile ?? DEFAULT_EVENTS_FILE;

function readCsv(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: true, bom: true });
}

export function loadCampaignFile(dataDir: string): CampaignFile {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'campaign.json'), 'utf8')) as CampaignFile;
}

export function loadCalendar(dataDir: string): WorkingCalendar {
  const rows = readCsv(path.join(dataDir, 'bank_holidays_england_wales.csv'));
  return new WorkingCalendar(rows.map((r): BankHoliday => ({ date: r.date!, title: r.title! })));
}


/** Every institution the directory ships, in a stable order. */
export function loadDirectory(dataDir: string): DirectoryEntry[] {
  const entries: DirectoryEntry[] = [];
  for (const r of readCsv(path.join(dataDir, 'other_institutions.csv'))) {
    entries.push({
      name: r.name!,
      kind: r.kind as InstitutionKind,
      code: orNull(r.code),
      region: orNull(r.region),
      country: orNull(r.country),
      website: orNull(r.website),
      active: true,
      aliases: (r.aliases ?? '').split(';').map((a) => a.trim()).filter(Boolean),
    });
  }
  for (const r of readCsv(path.join(dataDir, 'mental_health_trusts.csv'))) {
    entries.push({
      name: r.name!,
      kind: 'mental_health_trust',
      code: orNull(r.ods_code),
      region: orNull(r.region),
      country: 'England',
      website: null,
      active: !(r.notes ?? '').startsWith('CLOSED'),
      aliases: [],
    });
  }
  for (const r of readCsv(path.join(dataDir, 'police_forces.csv'))) {
    entries.push({
      name: r.name!,
      kind: 'police_force',
      code: orNull(r.id),
      region: null,
      country: orNull(r.country),
      website: null,
      active: true,
      aliases: [],
    });
  }
  for (const r of readCsv(path.join(dataDir, 'icbs.csv'))) {
    entries.push({
      name: r.name!,
      kind: 'icb',
      code: orNull(r.ods_code),
      region: orNull(r.region),
      country: 'England',
      website: null,
      active: true,
      aliases: [],
    });
  }
  const aliasesFile = path.join(dataDir, 'aliases.csv');
  if (fs.existsSync(aliasesFile)) {
    for (const r of readCsv(aliasesFile)) {
      const entry = entries.find((e) => e.code === r.code || e.name === r.institution);
      if (!entry) throw new Error(`aliases.csv names an institution not in the directory: ${r.institution}`);
      entry.aliases.push(r.alias!);
    }
  }
  return entries;
}
