/**
 * Small factories that build the data each test needs (institutions, approaches, replies,
 * milestones, users) through the tracker's own write functions, on the test's own database.
 * Tests say what matters to them and leave the rest to sensible defaults.
 */
import type { Db } from '../src/db/client.js';
import type { LondonDate } from '../src/domain/calendar.js';
import type { Channel, EventStatus, InstitutionKind, ResponseType, Stance } from '../src/domain/vocabulary.js';
import { insertEvent } from '../src/records/events.js';
import { insertInstitutions } from '../src/records/institutions.js';
import { Revision, syncEvent, syncInstitution } from '../src/records/revisions.js';
import { createUser } from '../src/records/users.js';
import { TEST_NOW } from './helpers.js';
import type { Role } from '../src/domain/vocabulary.js';

export { FIXTURE_DATA } from './helpers.js';

export const PASSWORD = 'correct horse battery staple';

/** Who the factories act as, in the audit log and the revisions. */
const FACTORY = { userId: null, name: 'factory' };
/** When the factories write: the test clock, so that every revision's time is known. */
const WRITTEN_AT = TEST_NOW;

let counter = 0;
const next = () => ++counter;

export interface MadeInstitution {
  id: number;
  slug: string;
  name: string;
}

export interface InstitutionSpec {
  name?: string;
  kind?: InstitutionKind;
  code?: string | null;
  region?: string | null;
  country?: string | null;
  website?: string | null;
  active?: boolean;
  aliases?: string[];
  /** Where letters go, and whether the public may see it. */
  email?: string | null;
  emailPublic?: boolean;
}

export function institution(db: Db, spec: InstitutionSpec = {}): MadeInstitution {
  const name = spec.name ?? `Test Body ${next()}`;
  const input = {
    name,
    kind: spec.kind ?? 'other',
    code: spec.code ?? null,
    region: spec.region ?? null,
    country: spec.country ?? 'England',
    website: spec.website ?? null,
    active: spec.active ?? true,
    aliases: spec.aliases ?? [],
    email: spec.email ?? null,
    emailPublic: spec.emailPublic ?? false,
  };
  const id = db.transaction((tx) => {
    const [made] = insertInstitutions(tx, [input], WRITTEN_AT);
    // Each institution is a revision of the public record, as when an admin adds one.
    syncInstitution(tx, made!, new Revision(tx, FACTORY, 'institution.create', WRITTEN_AT));
    return made!;
  });
  return db.$client.prepare('SELECT id, slug, name FROM institutions WHERE id = ?').get(id) as MadeInstitution;
}

function askIds(db: Db): Map<string, number> {
  return new Map((db.$client.prepare('SELECT id, slug FROM asks').all() as { id: number; slug: string }[]).map((a) => [a.slug, a.id]));
}

interface EventSpec {
  date?: LondonDate;
  time?: string | null;
  summary?: string;
  quote?: string | null;
  status?: EventStatus;
  positions?: Record<string, Stance>;
  source?: { title: string; url?: string | null; publisher?: string | null; publishedOn?: LondonDate | null } | null;
  from?: string | null;
  dueOn?: LondonDate | null;
  answers?: number | null;
}

function write(db: Db, institutionId: number | null, type: 'contact' | 'response' | 'milestone', spec: EventSpec & { channel?: Channel | null; responseType?: ResponseType | null }): number {
  const asks = askIds(db);
  const date = spec.date ?? '2021-04-23';
  const source = spec.source === undefined ? { title: `Source ${next()}`, url: 'https://news.example.org/story', publisher: 'Example News', publishedOn: date } : spec.source;
  const input = {
    type,
    institutionId,
    date,
    time: spec.time ?? null,
    channel: type === 'contact' ? (spec.channel ?? 'email') : null,
    fromName: spec.from ?? (type === 'contact' ? 'Fixture Coalition' : null),
    responseType: type === 'response' ? (spec.responseType ?? 'statement') : null,
    answersEventId: spec.answers ?? null,
    summary: spec.summary ?? `${type} ${next()}`,
    quote: spec.quote ?? null,
    dueOn: spec.dueOn ?? null,
    status: spec.status ?? 'published',
    positions: Object.entries(spec.positions ?? {}).map(([slug, stance]) => {
      const askId = asks.get(slug);
      if (askId === undefined) throw new Error(`No ask ${slug}`);
      return { askId, stance };
    }),
    sources: source ? [{ title: source.title, url: source.url ?? null, publisher: source.publisher ?? null, publishedOn: source.publishedOn ?? null }] : [],
    createdBy: 'factory',
  } as const;
  return db.transaction((tx) => {
    const id = insertEvent(tx, input, WRITTEN_AT);
    // A published event is a revision of the public record, as when a campaigner logs one.
    syncEvent(tx, id, new Revision(tx, FACTORY, 'event.create', WRITTEN_AT, null, id));
    return id;
  });
}

export function contact(db: Db, to: MadeInstitution, spec: EventSpec & { channel?: Channel } = {}): number {
  return write(db, to.id, 'contact', spec);
}

export function response(db: Db, from: MadeInstitution, spec: EventSpec & { responseType?: ResponseType } = {}): number {
  return write(db, from.id, 'response', spec);
}

export function milestone(db: Db, about: MadeInstitution | null, spec: EventSpec = {}): number {
  return write(db, about?.id ?? null, 'milestone', spec);
}

export async function user(db: Db, spec: { email?: string; name?: string; role?: Role; password?: string } = {}): Promise<{ id: number; email: string; password: string }> {
  const n = next();
  const email = spec.email ?? `user${n}@example.org`;
  const password = spec.password ?? PASSWORD;
  const result = await createUser(db, { email, name: spec.name ?? `User ${n}`, role: spec.role ?? 'editor', password }, { userId: null, name: 'factory' }, Date.now());
  if (!result.ok) throw new Error(`could not create user: ${JSON.stringify(result.errors)}`);
  return { id: result.value.id, email, password };
}
