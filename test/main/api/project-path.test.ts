import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/api/contract/index.ts';
import { existingProjectPath, newProjectPath } from '../../../src-main/api/services/project/project-path.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-path-'));
  writeFileSync(join(dir, 'survey.amproj'), '');
  writeFileSync(join(dir, 'plain'), '');
  mkdirSync(join(dir, 'folder.amproj'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('project paths', () => {
  it('init appends .amproj only when the name has no extension', () => {
    expect(newProjectPath(join(dir, 'survey'))).toBe(join(dir, 'survey.amproj'));
    expect(newProjectPath(join(dir, 'survey.db'))).toBe(join(dir, 'survey.db'));
  });

  it('other commands accept the name with or without the extension', () => {
    expect(existingProjectPath(join(dir, 'survey'))).toBe(join(dir, 'survey.amproj'));
    expect(existingProjectPath(join(dir, 'survey.amproj'))).toBe(join(dir, 'survey.amproj'));
    expect(existingProjectPath(join(dir, 'plain'))).toBe(join(dir, 'plain'));
  });

  it('a missing project or a folder is ApiError no-project', () => {
    for (const path of [join(dir, 'nothing'), join(dir, 'folder.amproj')]) {
      try {
        existingProjectPath(path);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        expect((err as ApiError).code).toBe('no-project');
      }
    }
  });
});
