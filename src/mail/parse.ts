/**
 * Reading one message read from the mailbox (mailparser): who sent it, to which addresses, the
 * thread it belongs to, its text (HTML mail turned into text, never kept as HTML to show), and
 * its attachments with their types read from their content.
 */
import type { AddressObject, HeaderLines } from 'mailparser';
import { cutText, isAutomaticReply, sentAt } from '../domain/files.js';
import { tokenFromAddress, messageIdsIn } from './addresses.js';
import { typeOfFile, type TypedFile } from './file-types.js';
import { safeFileName } from '../domain/files.js';

/** The most text kept from one message (characters): the whole of any real letter. */
export const MESSAGE_TEXT_MAX = 200_000;

export interface ReadMessage {
  messageId: string | null;
  fromAddress: string | null;
  fromName: string | null;
  /** Every address it was sent to (To, Cc, Delivered-To, X-Original-To), lower case, without duplicates. */
  addresses: string[];
  subject: string;
  /** When it was sent (the Date header, never after it arrived). */
  sentAt: number;
  automatic: boolean;
  /** The reply codes in its addresses, and the Message-IDs it answers (In-Reply-To, References). */
  replyTokens: string[];
  threadIds: string[];
  text: string;
  /** Attachments of an accepted type; the others stay in the raw message only. */
  attachments: TypedFile[];
  /** Attachments left in the raw message (type not accepted, or too large), by name. */
  leftInMessage: string[];
}

const addressesOf = (value: AddressObject | AddressObject[] | undefined): { name: string; address: string }[] =>
  [value ?? []].flat().flatMap((o) => o.value.flatMap((a) => (a.group ?? [a]).filter((g) => g.address).map((g) => ({ name: g.name, address: g.address!.toLowerCase() }))));

/** The values of raw header lines of a name (Delivered-To, X-Original-To), unfolded. */
function headerValues(lines: HeaderLines, name: string): string[] {
  return lines.filter((l) => l.key === name).map((l) => l.line.slice(l.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
}

const cleanId = (id: string | undefined | null): string | null => {
  const found = messageIdsIn(id ?? '')[0] ?? null;
  return found && found.length <= 500 ? found : null;
};

/** Reads a raw message held in memory (at most the parse limit). */
export async function readMessage(raw: Buffer, options: { replyAddressPattern: string | null; arrivedAt: number; maxAttachmentBytes: number }): Promise<ReadMessage> {
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(raw, { skipImageLinks: true, keepCidLinks: true, skipTextToHtml: true, maxHtmlLengthToParse: 5 * 1024 * 1024 });
  const headers = new Map<string, string>();
  for (const line of parsed.headerLines) if (!headers.has(line.key)) headers.set(line.key, line.line.slice(line.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  const from = addressesOf(parsed.from)[0] ?? null;
  const addresses = [...new Set([
    ...addressesOf(parsed.to).map((a) => a.address),
    ...addressesOf(parsed.cc).map((a) => a.address),
    ...['delivered-to', 'x-original-to'].flatMap((name) => headerValues(parsed.headerLines, name)).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean),
  ])].slice(0, 200);
  const pattern = options.replyAddressPattern;
  const replyTokens = pattern ? [...new Set(addresses.map((a) => tokenFromAddress(pattern, a)).filter((t): t is string => t !== null))] : [];
  const threadIds = [...new Set([...messageIdsIn(parsed.inReplyTo), ...messageIdsIn(parsed.references)])].filter((id) => id.length <= 500).slice(0, 100);
  const subject = cutText((parsed.subject ?? '').replace(/\s+/g, ' ').trim(), 500);
  const attachments: TypedFile[] = [];
  const leftInMessage: string[] = [];
  for (const a of parsed.attachments) {
    const name = safeFileName(a.filename, 'attachment');
    if (a.content.length > options.maxAttachmentBytes || a.content.length === 0) {
      leftInMessage.push(name);
      continue;
    }
    const typed = await typeOfFile(a.content.subarray(0, 4100), name);
    if (typed.ok) attachments.push({ name, bytes: a.content, type: typed.type });
    else leftInMessage.push(name);
  }
  return {
    messageId: cleanId(parsed.messageId),
    fromAddress: from?.address ?? null,
    fromName: from?.name ? cutText(from.name.replace(/\s+/g, ' ').trim(), 200) : null,
    addresses,
    subject,
    sentAt: sentAt(parsed.date, options.arrivedAt),
    automatic: isAutomaticReply(headers, subject),
    replyTokens,
    threadIds,
    text: cutText((parsed.text ?? '').replace(/\r\n/g, '\n').trim(), MESSAGE_TEXT_MAX),
    attachments,
    leftInMessage,
  };
}

/** The few headers of a message that could not be read whole (too large, or not a message at all). */
export async function readHeadersOnly(raw: Buffer, arrivedAt: number): Promise<Pick<ReadMessage, 'messageId' | 'fromAddress' | 'fromName' | 'subject' | 'sentAt' | 'addresses'>> {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 64 * 1024) : Math.min(end + 4, 64 * 1024));
  try {
    const { simpleParser } = await import('mailparser');
    const parsed = await simpleParser(Buffer.concat([head, Buffer.from('\r\n')]), { skipHtmlToText: true, skipTextToHtml: true });
    const from = addressesOf(parsed.from)[0] ?? null;
    return {
      messageId: cleanId(parsed.messageId),
      fromAddress: from?.address ?? null,
      fromName: from?.name ? cutText(from.name, 200) : null,
      subject: cutText((parsed.subject ?? '').replace(/\s+/g, ' ').trim(), 500),
      sentAt: sentAt(parsed.date, arrivedAt),
      addresses: addressesOf(parsed.to).map((a) => a.address).slice(0, 200),
    };
  } catch {
    return { messageId: null, fromAddress: null, fromName: null, subject: '', sentAt: arrivedAt, addresses: [] };
  }
}
