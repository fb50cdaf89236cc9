// Free-text tags on items ('merger', 'artefact', 'ring?'): they colour maps and narrow searches.
import { basename } from 'node:path';
import { requireItem } from './item-ref.ts';
import { ApiError } from '../../contract/errors.ts';
import type { ProjectSession } from './project-session.ts';
import type { ItemTags, TagCount } from '../../contract/exploration.ts';

function checkTags(tags: readonly string[]): string[] {
  const out = tags.map((t) => t.trim());
  const bad = out.find((t) => t === '' || t.length > 200 || t.includes('\0'));
  if (bad !== undefined) throw new ApiError('bad-argument', `a tag must be 1 to 200 characters without NUL (got ${JSON.stringify(bad)})`);
  return out;
}

/** Adds tags to the item (path or id); returns its tags afterwards. Adding a tag twice is harmless. */
export function addTags(session: ProjectSession, item: string | number, tags: readonly string[]): ItemTags {
  const project = session.project;
  session.assertWritable('tag items');
  const it = requireItem(project, item);
  const clean = checkTags(tags);
  project.transaction(() => clean.forEach((t) => project.tags.add(it.id, t)));
  return itemTags(session, it.id);
}

/** Removes tags from the item; a tag it does not carry is ignored. */
export function removeTags(session: ProjectSession, item: string | number, tags: readonly string[]): ItemTags {
  const project = session.project;
  session.assertWritable('untag items');
  const it = requireItem(project, item);
  const clean = checkTags(tags);
  project.transaction(() => clean.forEach((t) => project.tags.remove(it.id, t)));
  return itemTags(session, it.id);
}

export function itemTags(session: ProjectSession, item: string | number): ItemTags {
  const it = requireItem(session.project, item);
  return { itemId: it.id, path: it.absolutePath, tags: session.project.tags.forItem(it.id) };
}

/**
 * Adds (or removes) one tag on many items by id, in one transaction. Ids that name no item are refused before
 * anything changes: ApiError 'bad-argument' naming the first few and how many (a page sending stale ids gets an
 * answer it can show, not a foreign-key failure from the database).
 */
export function tagItemIds(session: ProjectSession, ids: readonly number[], tag: string, remove = false): void {
  const project = session.project;
  session.assertWritable(remove ? 'untag items' : 'tag items');
  const [clean] = checkTags([tag]);
  const unknown = project.items.unknownIds(ids);
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).join(', ');
    const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : '';
    const total = new Set(ids).size;
    throw new ApiError('bad-argument', `${unknown.length} of the ${total} ids ${unknown.length === 1 ? 'names' : 'name'} no item of `
      + `${basename(project.path)}: ${shown}${more}; nothing was ${remove ? 'untagged' : 'tagged'}`);
  }
  project.transaction(() => {
    for (const id of ids) {
      if (remove) project.tags.remove(id, clean);
      else project.tags.add(id, clean);
    }
  });
}

/** Every tag in the project with how many items carry it. */
export function listTags(session: ProjectSession): TagCount[] {
  return session.project.tags.counts();
}

/** The items carrying a tag. */
export function taggedItems(session: ProjectSession, tag: string): ItemTags[] {
  const tags = session.project.tags;
  return tags.items(tag.trim()).map((id) => ({ itemId: id, path: session.project.items.get(id)?.absolutePath ?? '', tags: tags.forItem(id) }));
}
