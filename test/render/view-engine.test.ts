/** The view engine: Eta, remembering where each included template is found. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ViewEngine } from '../../src/plugins/views.js';
import { tempDir } from '../helpers.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function views(files: Record<string, string>): string {
  dir = tempDir('views-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('ViewEngine', () => {
  it('finds a relative include beside each template that names it, however often each is made', () => {
    const root = views({
      'a/page.eta': 'a:<%~ include("./part") %>',
      'a/part.eta': 'part of a',
      'b/page.eta': 'b:<%~ include("./part") %>|<%~ include("/shared") %>',
      'b/part.eta': 'part of b',
      'shared.eta': 'shared',
    });
    const eta = new ViewEngine({ views: root, cache: true });
    for (let round = 0; round < 3; round++) {
      expect(eta.render('/a/page', {})).toBe('a:part of a');
      expect(eta.render('/b/page', {})).toBe('b:part of b|shared');
    }
  });

  it('still refuses a template outside the views folder, every time it is asked', () => {
    const root = views({ 'page.eta': '<%~ include("../outside") %>' });
    fs.writeFileSync(path.join(path.dirname(root), 'outside.eta'), 'secret');
    const eta = new ViewEngine({ views: root, cache: true });
    for (let round = 0; round < 2; round++) expect(() => eta.render('/page', {})).toThrow(/not in the views directory/);
    fs.rmSync(path.join(path.dirname(root), 'outside.eta'));
  });
});
