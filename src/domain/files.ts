/**
 * Rules for files carried by events and for mail read from the campaign's mailbox: which types
 * are accepted (read from the content, never the name), safe names, automatic replies, and the
 * size limits of a message.
 */

/** A type the tracker accepts, as the content says it is. */
export interface AcceptedType {
  mime: string;
  /** What to call it on the page. */
  label: string;
}

/** Types found by reading the content (the `file-type` package's answer), and what they are called. */
const BY_CONTENT: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'image/gif': 'GIF image',
  'image/webp': 'WebP image',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel spreadsheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint presentation',
  'application/vnd.oasis.opendocument.text': 'OpenDocument text',
  'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument spreadsheet',
};

/** Old Office files share one container format (CFB): the name tells a Word file from an Excel one. */
const OLD_OFFICE: Record<string, AcceptedType> = {
  doc: { mime: 'application/msword', label: 'Word document (old format)' },
  xls: { mime: 'application/vnd.ms-excel', label: 'Excel spreadsheet (old format)' },
};

/** What a stored type is called on a page. */
export function typeLabel(mime: string): string {
  return BY_CONTENT[mime] ?? Object.values(OLD_OFFICE).find((t) => t.mime === mime)?.label ?? (mime === TEXT_PLAIN_MIME ? 'Plain text' : mime);
}

const TEXT_PLAIN_MIME = 'text/plain';

export const ACCEPTED_TYPES_TEXT = 'PDF, PNG, JPEG, GIF or WebP images, Word, Excel or PowerPoint documents (DOCX, XLSX, PPTX, DOC, XLS), OpenDocument text or spreadsheets (ODT, ODS) or plain text';

export const TEXT_PLAIN: AcceptedType = { mime: 'text/plain', label: 'Plain text' };

/** Markup a browser would run or draw: never accepted as "plain text". */
const MARKUP = /<\s*(!doctype|html|head|body|script|iframe|svg|object|embed|meta|style|link|img|a\s|form|\?xml)/i;

/**
 * The accepted type of a file, from what its content was found to be (`detected`: the mime type
 * `file-type` read, or null when it knew none), its name and its first bytes; or the reason it is
 * refused.
 */
export function acceptedType(detected: string | null, name: string, head: Uint8Array): { ok: true; type: AcceptedType } | { ok: false; problem: string } {
  const refused = (why: string) => ({ ok: false as const, problem: `${why} Attach ${ACCEPTED_TYPES_TEXT}.` });
  if (detected !== null) {
    const label = BY_CONTENT[detected];
    if (label) return { ok: true, type: { mime: detected, label } };
    if (detected === 'application/x-cfb') {
      const old = OLD_OFFICE[extensionOf(name)];
      return old ? { ok: true, type: old } : refused('This is an old-style Office file, but its name does not say whether it is a Word (.doc) or Excel (.xls) file.');
    }
    return refused(`This file is of a type the tracker does not accept (${detected}).`);
  }
  if (head.length === 0) return refused('This file is empty.');
  if (!looksLikeText(head)) return refused('The tracker could not tell what this file is.');
  if (MARKUP.test(new TextDecoder('utf-8').decode(head))) return refused('This file is a web page or other markup, whatever its name says.');
  return { ok: true, type: TEXT_PLAIN };
}

/** Text: valid UTF-8 (a cut-off last character allowed) with no control characters but tabs and line ends. */
export function looksLikeText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - 3)));
    } catch {
      return false;
    }
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
};

/** The longest name kept for a file (characters). */
export const FILE_NAME_MAX = 120;

/**
 * A file's name made safe to show and to offer on download: the last part of any path (no
 * folders, either slash), no control or bidirectional-override characters, no leading dots,
 * white space collapsed, at most FILE_NAME_MAX characters keeping the extension; `fallback` when
 * nothing is left.
 */
export function safeFileName(name: string | null | undefined, fallback = 'attachment'): string {
  const last = (name ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = last
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .trim();
  if (cleaned === '') return fallback;
  const chars = [...cleaned];
  if (chars.length <= FILE_NAME_MAX) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return [...cleaned.slice(0, cleaned.length - extension.length)].slice(0, FILE_NAME_MAX - [...extension].length).join('').trimEnd() + extension;
}

/** A file's size in words: "532 bytes", "12 KB", "3.4 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Where the bytes of a SHA-256 are kept, under the files folder: `<first two hex digits>/<SHA-256>`. */
export function storedName(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('Not a SHA-256');
  return `${sha256.slice(0, 2)}/${sha256}`;
}

// ---- Mail --------------------------------------------------------------------------------------

/**
 * The size limits of a message read from the mailbox, from the largest attachment accepted:
 * a message up to `parse` bytes is read and filed; up to `keep` it is kept whole but refused
 * (a person can still open it); beyond that only its headers are kept.
 */
export function messageLimits(maxAttachmentBytes: number): { parse: number; keep: number } {
  // Attachments travel base64-encoded (a third larger), with the text beside them.
  return { parse: Math.ceil(maxAttachmentBytes * 1.5) + 1024 * 1024, keep: maxAttachmentBytes * 5 };
}

/** Subjects that say a message is an automatic reply (out of office, autoreply), in English and a few common forms. */
const AUTOMATIC_SUBJECT = /^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|ooo\b|absence|away from (the )?office|on leave|annual leave|delivery (status )?notification|undeliverable|read:)/i;

/**
 * Whether a message is an automatic reply: Auto-Submitted other than `no` (RFC 3834),
 * X-Autoreply or X-Autorespond, Precedence auto_reply (bulk and list mail is not a reply either),
 * or an out-of-office subject. Headers by lower-case name.
 */
export function isAutomaticReply(headers: ReadonlyMap<string, string>, subject: string): boolean {
  const autoSubmitted = headers.get('auto-submitted')?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (headers.has('x-autoreply') || headers.has('x-autorespond')) return true;
  const precedence = headers.get('precedence')?.trim().toLowerCase();
  if (precedence === 'auto_reply' || precedence === 'bulk' || precedence === 'junk') return true;
  return AUTOMATIC_SUBJECT.test(subject);
}

/**
 * When a message was sent, as the tracker records it: the Date header, unless there is none,
 * it cannot be read, or it is after the message arrived (a clock in the future); then the time it
 * arrived.
 */
export function sentAt(dateHeader: Date | null | undefined, arrivedAt: number): number {
  const t = dateHeader instanceof Date ? dateHeader.getTime() : NaN;
  if (!Number.isFinite(t) || t > arrivedAt || t < Date.UTC(1990, 0, 1)) return arrivedAt;
  return t;
}

/** A text cut to `limit` characters, saying so at the end when it was cut. */
export function cutText(text: string, limit: number, note = ' […]'): string {
  if (text.length <= limit) return text;
  return text.slice(0, limit - note.length).trimEnd() + note;
}

/** The domain of an address or a web address, lower case, without `www.`; null when there is none. */
export function domainOf(text: string | null | undefined): string | null {
  if (!text) return null;
  const at = text.lastIndexOf('@');
  let host = at >= 0 ? text.slice(at + 1) : text;
  if (at < 0) {
    try {
      host = new URL(/^[a-z]+:\/\//i.test(text) ? text : `https://${text}`).hostname;
    } catch {
      return null;
    }
  }
  host = host.trim().toLowerCase().replace(/>$/, '').replace(/^www\./, '').replace(/\.$/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : null;
}

/**
 * Whether a message's sender seems to write from this institution: the sender's domain is the
 * domain of the institution's email address or of its website, or one under it
 * (`press.trust.nhs.uk` under `trust.nhs.uk`). Only an ordering hint for a person filing it; never
 * used to file anything by itself (`nhs.net` is shared by many bodies).
 */
export function fromInstitution(sender: string | null | undefined, institution: { email: string | null; website: string | null }): boolean {
  const from = domainOf(sender);
  if (!from) return false;
  return [domainOf(institution.email), domainOf(institution.website)].some((d) => d !== null && (from === d || from.endsWith(`.${d}`)));
}
