// A project file from someone else may carry SQLite triggers, views, tables or columns the app never
// made: a trigger runs on the user's own writes (tagging an item, a scan). Opening refuses such a file,
// naming each object, before anything is written. Real project files, the real CLI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { Project, ProjectError } from '../../../src-main/project/index.ts';
import { cli, hasStackTrace } from '../cli/run-cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-schema-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let base = '';
let file = '';
beforeEach(() => {
  base = fs.mkdtempSync(path.join(dir, 'b-'));
  const data = path.join(base, 'data');
  fs.mkdirSync(data);
  writeImageFits(path.join(data, 'm51.fits'), new Float32Array(16 * 16).map((_, k) => Math.sin(k)), [16, 16], { cards: { OBJECT: 'M 51' } });
  expect(cli(['init', path.join(base, 'survey')]).status).toBe(0);
  expect(cli(['add', path.join(base, 'survey'), data, '--no-progress']).status).toBe(0);
  file = path.join(base, 'survey.amproj');
});

function craft(sql: string): void {
  const db = new Database(file);
  db.exec(sql);
  db.close();
}

function objectOfM51(): unknown {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT object FROM items WHERE path LIKE '%m51.fits'").pluck().get();
  } finally {
    db.close();
  }
}

describe('schema objects the app did not create', () => {
  it('a trigger is refused before it can run on the user\'s write, and named', () => {
    craft("CREATE TRIGGER steal AFTER INSERT ON tags BEGIN UPDATE items SET object = 'pwned'; END;");
    const res = cli(['tag', file, path.join(base, 'data', 'm51.fits'), 'merger']);
    expect(res.status).toBe(1);
    expect(hasStackTrace(res.stderr)).toBe(false);
    expect(res.stderr).toMatch(/survey\.amproj: .*Astromorph did not create: trigger steal \(on tags\)/);
    expect(objectOfM51()).toBe('M 51');
  });

  it('views, unknown tables and indexes, and extra columns are refused the same way, each named', () => {
    craft(`CREATE VIEW everything AS SELECT * FROM items;
      CREATE TABLE notes (x TEXT);
      CREATE INDEX items_object ON items(object);
      ALTER TABLE items ADD COLUMN evil TEXT DEFAULT 'x';`);
    let caught: unknown;
    try {
      Project.open(file).close();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ProjectError);
    expect((caught as ProjectError).code).toBe('untrusted-schema');
    const message = (caught as ProjectError).message;
    for (const named of ['view everything', 'table notes', 'index items_object (on items)', 'column evil of table items']) expect(message).toContain(named);
    const ls = cli(['ls', file]);
    expect(ls.status).toBe(1);
    expect(ls.stderr).toContain('view everything');
  });

  it('a project as the app made it opens, and its connection distrusts the schema', () => {
    const p = Project.open(file);
    try {
      expect(p.trustedSchema).toBe(false);
      expect(p.items.list()).toHaveLength(1);
    } finally {
      p.close();
    }
  });
});
