/** Reply addresses (plus-addressing on the campaign's own mailbox) and Message-IDs. */
import crypto from 'node:crypto';
import { bareAddress } from '../config.js';

/** Letters a reply code is made of: lower case (mail systems fold case), no look-alikes. */
const TOKEN_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A new reply code: 10 characters, about 49 bits, unguessable enough that a stranger cannot file a reply on an approach. */
export function newReplyToken(): string {
  const bytes = crypto.randomBytes(10);
  let token = '';
  for (const byte of bytes) token += TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length];
  return token;
}

/** The reply address of one approach: the pattern with its code in place of `{token}`. */
export function replyAddress(pattern: string, token: string): string {
  return pattern.replace('{token}', token);
}

/**
 * The reply code in an address written to the pattern (`campaign+r7f3k2m9xa@example.org`), or
 * null. Case does not matter (some mail systems change it).
 */
export function tokenFromAddress(pattern: string, address: string): string | null {
  const [before, after] = pattern.toLowerCase().split('{token}') as [string, string];
  const bare = (bareAddress(address) ?? address).trim().toLowerCase();
  if (!bare.startsWith(before) || !bare.endsWith(after) || bare.length <= before.length + after.length) return null;
  const token = bare.slice(before.length, bare.length - after.length);
  return /^[a-z0-9]{4,40}$/.test(token) ? token : null;
}

/** A new Message-ID (without angle brackets) on the campaign's own domain. */
export function newMessageId(from: string | null): string {
  const address = from ? bareAddress(from) : null;
  const domain = address ? address.slice(address.lastIndexOf('@') + 1) : 'tracker.invalid';
  return `${Date.now().toString(36)}.${crypto.randomBytes(12).toString('hex')}@${domain}`;
}

/** The Message-IDs in a header such as In-Reply-To or References, without angle brackets. */
export function messageIdsIn(header: string | string[] | undefined | null): string[] {
  if (!header) return [];
  const text = Array.isArray(header) ? header.join(' ') : header;
  const ids = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  return ids.length > 0 ? ids : text.split(/\s+/).filter((id) => id.includes('@'));
}
