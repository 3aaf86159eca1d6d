/** The folder a static copy is written to: the manifest, writes that leave no half file, the journal after a crash, the lock. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MANIFEST, sha256, StaticFolder } from '../../src/static-copy/output.js';
import { tempDir } from '../helpers.js';

const dirs: string[] = [];
const folder = () => {
  const dir = path.join(tempDir('tracker-folder-'), 'site');
  dirs.push(path.dirname(dir));
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const stamp = { asOf: '2026-11-22T12:00:00.000Z', revision: 3, madeAt: '2026-11-22T12:00:00.000Z' };
const put = (f: StaticFolder, file: string, text: string, compared = text) => f.put(file, Buffer.from(text), sha256(compared));

describe('the static copy’s folder', () => {
  it('writes what changed, leaves what did not, removes what is gone, and lists it all in the manifest', async () => {
    const dir = folder();
    const first = new StaticFolder(dir);
    first.open();
    await put(first, 'index.html', 'one');
    await put(first, 'events/1/index.html', 'event 1');
    await put(first, 'events/2/index.html', 'event 2');
    expect(first.finish(stamp)).toEqual({ removed: 0, files: 3, bytes: 17 });
    expect(fs.readdirSync(dir).sort()).toEqual(['events', 'index.html', MANIFEST]);

    const second = new StaticFolder(dir);
    second.open();
    expect(await put(second, 'index.html', 'two')).toBe('written');
    expect(await put(second, 'events/1/index.html', 'event 1')).toBe('unchanged');
    expect(await put(second, 'events/3/index.html', 'event 3')).toBe('written');
    const mtime = fs.statSync(path.join(dir, 'events/1/index.html')).mtimeMs;
    expect(second.finish(stamp)).toEqual({ removed: 1, files: 3, bytes: 17 });
    expect(fs.existsSync(path.join(dir, 'events/2'))).toBe(false);
    expect(fs.statSync(path.join(dir, 'events/1/index.html')).mtimeMs).toBe(mtime);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8'));
    expect(manifest).toMatchObject({ ...stamp, files: { 'index.html': { sha256: sha256('two'), bytes: 3 } } });
    expect(Object.keys(manifest.files)).toEqual(['events/1/index.html', 'events/3/index.html', 'index.html']);
    // Nothing but the copy and its manifest is left behind.
    expect(fs.readdirSync(dir).sort()).toEqual(['events', 'index.html', MANIFEST]);
  });

  it('writes the manifest a file to a line, and reads it back a line at a time: names of any letters, across many lines', async () => {
    const dir = folder();
    const names = Array.from({ length: 2_000 }, (_, i) => `événements/${i}/“quoted” \\ name.html`);
    const first = new StaticFolder(dir);
    first.open();
    for (const name of names) await put(first, name, `page ${name}`);
    expect(first.finish(stamp).files).toBe(2_000);
    const text = fs.readFileSync(path.join(dir, MANIFEST), 'utf8');
    // Far longer than what is read at once, so that letters of two bytes fall across the reads.
    expect(Buffer.byteLength(text)).toBeGreaterThan(4 * 65_536);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2_002);
    expect(lines[0]).toBe(`{"asOf":"${stamp.asOf}","revision":3,"madeAt":"${stamp.madeAt}","files":{`);
    const firstName = [...names].sort()[0]!;
    expect(JSON.parse(`{${lines[1]!.replace(/,$/, '')}}`)).toEqual({ [firstName]: { sha256: sha256(`page ${firstName}`), bytes: Buffer.byteLength(`page ${firstName}`) } });
    expect(Object.keys(JSON.parse(text).files)).toEqual([...names].sort());

    const second = new StaticFolder(dir);
    second.open();
    const outcomes = new Set<string>();
    for (const name of names) outcomes.add(await put(second, name, `page ${name}`));
    expect([...outcomes]).toEqual(['unchanged']);
    expect(second.finish(stamp)).toMatchObject({ removed: 0, files: 2_000 });
    expect(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')).toBe(text);
  });

  it('reads a manifest written whole, as earlier versions wrote it', async () => {
    const dir = folder();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'a.html'), 'a');
    fs.writeFileSync(path.join(dir, 'old.html'), 'old');
    const files = { 'a.html': { sha256: sha256('a'), bytes: 1 }, 'old.html': { sha256: sha256('old'), bytes: 3 } };
    fs.writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify({ ...stamp, files }, null, 1)}\n`);
    const next = new StaticFolder(dir);
    next.open();
    expect(await put(next, 'a.html', 'a')).toBe('unchanged');
    expect(next.finish(stamp)).toEqual({ removed: 1, files: 1, bytes: 1 });
    expect(fs.existsSync(path.join(dir, 'old.html'))).toBe(false);
  });

  it('says what to do with a manifest it cannot read, and leaves the folder unlocked', async () => {
    const dir = folder();
    const first = new StaticFolder(dir);
    first.open();
    await put(first, 'a.html', 'a');
    first.finish(stamp);
    const manifest = path.join(dir, MANIFEST);
    fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').slice(0, -30));
    expect(() => new StaticFolder(dir).open()).toThrow(`${manifest} cannot be read (`);
    expect(() => new StaticFolder(dir).open()).toThrow('delete it, and the next export writes every file again');
    expect(fs.existsSync(path.join(dir, '.static-copy-lock'))).toBe(false);
    fs.rmSync(manifest);
    const next = new StaticFolder(dir);
    next.open();
    expect(await put(next, 'a.html', 'a')).toBe('written');
    expect(next.finish(stamp).files).toBe(1);
  });

  it('compares a file without its stamp, but keeps the stamp it was written with', async () => {
    const dir = folder();
    const first = new StaticFolder(dir);
    first.open();
    await put(first, 'a.html', 'as at revision 3', 'as at revision R');
    first.finish(stamp);
    const second = new StaticFolder(dir);
    second.open();
    expect(await put(second, 'a.html', 'as at revision 4', 'as at revision R')).toBe('unchanged');
    second.finish({ ...stamp, revision: 4 });
    expect(fs.readFileSync(path.join(dir, 'a.html'), 'utf8')).toBe('as at revision 3');
  });

  it('after a crash, writes again every file the journal names, and removes their temporary files', async () => {
    const dir = folder();
    const first = new StaticFolder(dir);
    first.open();
    await put(first, 'a.html', 'a');
    await put(first, 'b.html', 'b');
    first.finish(stamp);

    const crashed = new StaticFolder(dir);
    crashed.open();
    await put(crashed, 'a.html', 'a, changed');
    fs.writeFileSync(path.join(dir, '.b.html.partial'), 'half of b');
    fs.appendFileSync(path.join(dir, '.static-copy-journal'), 'b.html\n');
    crashed.abandon(); // the manifest still says 'a'

    const next = new StaticFolder(dir);
    next.open();
    expect(fs.existsSync(path.join(dir, '.b.html.partial'))).toBe(false);
    // The manifest says a.html is 'a', but the crashed export had replaced it: written again.
    expect(await put(next, 'a.html', 'a')).toBe('written');
    expect(await put(next, 'b.html', 'b')).toBe('written');
    next.finish(stamp);
    expect(fs.readFileSync(path.join(dir, 'a.html'), 'utf8')).toBe('a');
    expect(fs.readdirSync(dir).sort()).toEqual(['a.html', 'b.html', MANIFEST]);
  });

  it('keeps a second export out while one runs, and takes over a lock left by one that stopped', () => {
    const dir = folder();
    const running = new StaticFolder(dir);
    running.open();
    expect(() => new StaticFolder(dir).open()).toThrow(`Another export is writing to ${dir} (process ${process.pid})`);
    running.abandon();
    fs.writeFileSync(path.join(dir, '.static-copy-lock'), '999999999');
    const next = new StaticFolder(dir);
    next.open();
    expect(next.finish(stamp).files).toBe(0);
  });
});
