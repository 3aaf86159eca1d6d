/** Checking and writing institutions, and matching the names people write to the directory. */
import type { Db } from '../db/client.js';
import { institutionAliases, institutions } from '../db/schema.js';
import { TEXT_LIMITS, tooLong } from '../domain/limits.js';
import { INSTITUTION_KINDS, isOneOf, type InstitutionKind } from '../domain/vocabulary.js';
import type { Tx } from './events.js';
import { addError, hasErrors, isHttpUrl, listOf, ok, orNull, type FieldErrors, type Result } from './fields.js';
import { uniqueSlug } from './slug.js';

export interface InstitutionInput {
  name: string;
  kind: InstitutionKind;
  code: string | null;
  region: string | null;
  country: string | null;
  website: string | null;
  active: boolean;
  aliases: string[];
  /** Where approaches are sent; public only when `emailPublic`. */
  email?: string | null;
  emailPublic?: boolean;
}

/** An institution as a form or a CSV row gives it: text fields by their column names. */
export interface InstitutionFields {
  name?: string;
  kind?: string;
  code?: string;
  region?: string;
  country?: string;
  aliases?: string;
  website?: string;
  /** `true` or `false`; a CSV row leaves it out (open). */
  active?: string;
  /** The slug of the institution that took over a closed one. */
  successor?: string;
  /** One email address for approaches (press office, FOI address…), or empty. */
  email?: string;
  /** `true` (or `yes`, `on`) to show the address on public pages; anything else keeps it private. */
  email_public?: string;
}

export interface ValidInstitution extends InstitutionInput {
  successorId: number | null;
}

/** What the validator needs to know of the rest of the directory. */
export interface DirectoryLookup {
  /** Whether another institution (not `exceptId`) has this name, or this code, ignoring case. */
  nameTaken(name: string, exceptId: number | null): boolean;
  codeTaken(code: string, exceptId: number | null): boolean;
  /** The id of the institution with this slug, or null. */
  idOfSlug(slug: string): number | null;
}

/**
 * The one set of rules for an institution, whether it comes from the admin form or a CSV row.
 * `id` is the institution being edited, or null for a new one.
 */
export function validateInstitution(f: InstitutionFields, directory: DirectoryLookup, id: number | null): Result<ValidInstitution> {
  const errors: FieldErrors = {};
  const name = orNull(f.name);
  if (!name) addError(errors, 'name', 'Enter the institution’s name');
  else addError(errors, 'name', tooLong(name, TEXT_LIMITS.name, 'the name') ?? (directory.nameTaken(name, id) ? `Another institution is already called “${name}”` : null));
  const kind = orNull(f.kind);
  if (!isOneOf(INSTITUTION_KINDS, kind)) addError(errors, 'kind', kind ? `“${kind}” is not a kind (${INSTITUTION_KINDS.join(', ')})` : 'Choose a kind');
  const code = orNull(f.code);
  if (code) addError(errors, 'code', tooLong(code, TEXT_LIMITS.code, 'the code') ?? (directory.codeTaken(code, id) ? `Another institution already has the code “${code}”` : null));
  const region = orNull(f.region);
  addError(errors, 'region', tooLong(region, TEXT_LIMITS.region, 'the region'));
  const country = orNull(f.country);
  addError(errors, 'country', tooLong(country, TEXT_LIMITS.country, 'the country'));
  const website = orNull(f.website);
  if (website) addError(errors, 'website', tooLong(website, TEXT_LIMITS.url, 'the web address') ?? (isHttpUrl(website) ? null : 'Enter a web address starting http:// or https://'));
  const aliases = listOf(f.aliases);
  if (aliases.length > TEXT_LIMITS.aliases) addError(errors, 'aliases', `Give at most ${TEXT_LIMITS.aliases} other names`);
  for (const alias of aliases) addError(errors, 'aliases', tooLong(alias, TEXT_LIMITS.name, `each other name`));
  const active = f.active === undefined ? 'true' : f.active;
  if (active !== 'true' && active !== 'false') addError(errors, 'active', 'Say whether it is open or closed');
  let successorId: number | null = null;
  const successor = orNull(f.successor);
  if (successor) {
    successorId = directory.idOfSlug(successor);
    if (successorId === null || successorId === id) addError(errors, 'successor', 'Choose another institution from the list');
    else if (active === 'true') addError(errors, 'successor', 'Only a closed institution has a successor');
  }
  const email = orNull(f.email);
  if (email) addError(errors, 'email', emailProblem(email));
  const emailPublic = /^(true|yes|on|1)$/i.test((f.email_public ?? '').trim());
  if (f.email_public !== undefined && !/^(true|yes|on|1|false|no|off|0|)$/i.test(f.email_public.trim())) addError(errors, 'email_public', 'Say whether the address is public: true or false');
  if (emailPublic && !email && !errors.email) addError(errors, 'email_public', 'Give an email address to make public, or leave it private');
  if (hasErrors(errors) || !name || !isOneOf(INSTITUTION_KINDS, kind)) return { ok: false, errors };
  return ok({ name, kind, code, region, country, website, active: active === 'true', aliases, successorId, email, emailPublic: email ? emailPublic : false });
}

/**
 * What is wrong with an institution's email address, or null: one plain address (no name, no
 * list, no line breaks, which could add headers to a message), of a sensible length.
 */
export function emailProblem(email: string): string | null {
  if (/[\r\n]/.test(email)) return 'Enter one email address on one line';
  const tooLongMessage = tooLong(email, TEXT_LIMITS.email, 'the email address');
  if (tooLongMessage) return tooLongMessage;
  if ((email.match(/@/g) ?? []).length > 1) return 'Enter one email address only (ask the institution which one approaches should go to)';
  if (!/^[^\s@<>()[\\\],;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(email)) return 'Enter an email address like foi@trust.nhs.uk';
  return null;
}

/** Inserts institutions with their aliases; returns their new ids in order. */
export function insertInstitutions(tx: Tx | Db, inputs: readonly InstitutionInput[], now: number): number[] {
  const taken = new Set(tx.select({ slug: institutions.slug }).from(institutions).all().map((r) => r.slug));
  const ids: number[] = [];
  for (const input of inputs) {
    const { id } = tx
      .insert(institutions)
      .values({
        slug: uniqueSlug(input.name, taken),
        name: input.name,
        kind: input.kind,
        code: input.code,
        region: input.region,
        country: input.country,
        website: input.website,
        active: input.active,
        successorId: (input as Partial<ValidInstitution>).successorId ?? null,
        email: input.email ?? null,
        emailPublic: input.email ? (input.emailPublic ?? false) : false,
        createdAt: now,
      })
      .returning({ id: institutions.id })
      .get();
    if (input.aliases.length > 0) {
      tx.insert(institutionAliases).values(input.aliases.map((alias) => ({ institutionId: id, alias }))).run();
    }
    ids.push(id);
  }
  return ids;
}
