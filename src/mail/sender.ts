/**
 * The sender: delivers the outbox over SMTP (nodemailer), one message at a time, recording each
 * delivery or failure on its row.
 */
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Db } from '../db/client.js';
import { claimMessage, dueMessages, markFailed, markSent, settleInterrupted, type OutboxRow } from './outbox.js';

export interface SendResult {
  sent: number;
  failed: number;
  retrying: number;
}

/** A transport for SMTP_URL (pooled, with timeouts so a stalled server cannot hold a message for ever). */
export function smtpTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl, {
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  } as object);
}

/** The message nodemailer sends for one outbox row: exactly what the row says, nothing added. */
export function mailFor(row: OutboxRow, attachments: { filename: string; path: string; contentType: string }[] = []): SendMailOptions {
  const headers = JSON.parse(row.headers) as Record<string, string>;
  return {
    from: row.fromAddress,
    to: row.toAddress,
    ...(row.replyTo ? { replyTo: row.replyTo } : {}),
    subject: row.subject,
    text: row.text,
    ...(row.html ? { html: row.html } : {}),
    messageId: `<${row.messageId}>`,
    headers,
    attachments,
  };
}

export interface SenderOptions {
  /** How many messages one round delivers at most. */
  batch?: number;
  /** The files to attach to a row's message (a letter's attachments); none by default. */
  attachmentsFor?: (row: OutboxRow) => { filename: string; path: string; contentType: string }[];
}

/**
 * Delivers the messages due now. Each is claimed (`queued` → `sending`) before it is handed to
 * the server and marked `sent` after: a crash in between leaves it `sending`, never sent again
 * by itself (see settleInterrupted).
 */
export async function deliverDue(db: Db, transport: Transporter, now: () => number, options: SenderOptions = {}): Promise<SendResult> {
  const result: SendResult = { sent: 0, failed: 0, retrying: 0 };
  settleInterrupted(db, now());
  for (const row of dueMessages(db, now(), options.batch ?? 100)) {
    if (!claimMessage(db, row.id, now())) continue;
    const attempt = { ...row, attempts: row.attempts + 1 };
    try {
      await transport.sendMail(mailFor(row, options.attachmentsFor?.(row) ?? []));
      markSent(db, row.id, now());
      result.sent += 1;
    } catch (error) {
      const { message, permanent } = describeFailure(error);
      markFailed(db, attempt, message, permanent, now());
      if (permanent) result.failed += 1;
      else result.retrying += 1;
    }
  }
  return result;
}

/** What went wrong, in words, and whether trying again cannot help (the server refused for good: a 5xx answer). */
export function describeFailure(error: unknown): { message: string; permanent: boolean } {
  const e = error as { responseCode?: number; response?: string; message?: string; code?: string };
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const message = e.response ?? e.message ?? String(error);
  return { message: code ? `${code} ${message}` : message, permanent: code !== null && code >= 500 && code < 600 };
}
