/**
 * The static copy's own list of files while it is made: the last manifest's entries and those of
 * the files written so far, in a temporary SQLite database (on the disk, removed when it is
 * closed) rather than in memory. SQLite keeps a few megabytes of it in memory however many files
 * the copy has. It is not the tracker's database, which the copy reads only through the app.
 */
import Database from 'better-sqlite3';

export interface ManifestEntry {
  sha256: string;
  bytes: number;
  /** The hash of the text with its stamp blanked out, when it differs from sha256. */
  compared?: string;
}

/** The entries of the last manifest (`before_…`) and of this export, by file. */
export class FileList {
  private readonly db = new Database('');
  private readonly statements;

  constructor() {
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -4096');
    this.db.exec(`CREATE TABLE files (
      file TEXT PRIMARY KEY,
      before_sha256 TEXT, before_bytes INTEGER, before_compared TEXT,
      sha256 TEXT, bytes INTEGER, compared TEXT
    ) WITHOUT ROWID`);
    this.statements = {
      addBefore: this.db.prepare('INSERT OR REPLACE INTO files (file, before_sha256, before_bytes, before_compared) VALUES (?, ?, ?, ?)'),
      before: this.db.prepare('SELECT before_sha256 AS sha256, before_bytes AS bytes, before_compared AS compared FROM files WHERE file = ? AND before_sha256 IS NOT NULL'),
      isWritten: this.db.prepare('SELECT 1 FROM files WHERE file = ? AND sha256 IS NOT NULL').pluck(),
      written: this.db.prepare(
        'INSERT INTO files (file, sha256, bytes, compared) VALUES (@file, @sha256, @bytes, @compared) ON CONFLICT (file) DO UPDATE SET sha256 = excluded.sha256, bytes = excluded.bytes, compared = excluded.compared',
      ),
      gone: this.db.prepare('SELECT file FROM files WHERE sha256 IS NULL ORDER BY file').pluck(),
      current: this.db.prepare('SELECT file, sha256, bytes, compared FROM files WHERE sha256 IS NOT NULL ORDER BY file'),
    };
  }

  /** Adds files of the last manifest, in one transaction. */
  readonly addBefore = this.db.transaction((entries: [string, ManifestEntry][]) => {
    for (const [file, e] of entries) this.statements.addBefore.run(file, e.sha256, e.bytes, e.compared ?? null);
  });

  before(file: string): ManifestEntry | null {
    const row = this.statements.before.get(file) as { sha256: string; bytes: number; compared: string | null } | undefined;
    return row ? entryOf(row) : null;
  }

  isWritten(file: string): boolean {
    return this.statements.isWritten.get(file) !== undefined;
  }

  written(file: string, entry: ManifestEntry): void {
    this.statements.written.run({ file, sha256: entry.sha256, bytes: entry.bytes, compared: entry.compared ?? null });
  }

  /** The files the last export wrote and this one did not. */
  gone(): IterableIterator<string> {
    return this.statements.gone.iterate() as IterableIterator<string>;
  }

  /** This export's files, in the order of their names. */
  current(): IterableIterator<[string, ManifestEntry]> {
    const rows = this.statements.current.iterate() as IterableIterator<{ file: string; sha256: string; bytes: number; compared: string | null }>;
    return (function* () {
      for (const row of rows) yield [row.file, entryOf(row)] as [string, ManifestEntry];
    })();
  }

  close(): void {
    this.db.close();
  }
}

const entryOf = (row: { sha256: string; bytes: number; compared: string | null }): ManifestEntry =>
  row.compared === null ? { sha256: row.sha256, bytes: row.bytes } : { sha256: row.sha256, bytes: row.bytes, compared: row.compared };
