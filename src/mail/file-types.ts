/** A file's type read from its content (the `file-type` package) and checked against the allow-list (domain/files). */
import { acceptedType, type AcceptedType } from '../domain/files.js';

/** A file with its accepted type, ready to keep. */
export interface TypedFile {
  name: string;
  bytes: Buffer;
  type: AcceptedType;
}

/** The accepted type of a file from its first bytes and its name, or why it is refused. */
export async function typeOfFile(head: Uint8Array, name: string): Promise<{ ok: true; type: AcceptedType } | { ok: false; problem: string }> {
  // file-type is loaded with the first file to check, not by every server.
  const found = head.length > 0 ? await (await import('file-type')).fileTypeFromBuffer(head) : undefined;
  return acceptedType(found?.mime ?? null, name, head);
}
