// Text taken from a file (FITS error messages quote header bytes; header strings, OBJECT, TELESCOP)
// is shown in tables and terminals and stored in the project, whose reader rejects a NUL. Control
// characters become a visible escape such as \x00, and the length is bounded, before any of it is kept.

/** Default bound for stored free text: room for any FITS error message, not for a whole file. */
export const MAX_VISIBLE_TEXT = 4096;

// C0 controls except tab and newline, DEL and the C1 controls: none belong in a message or a card value.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function visibleText(text: string, maxLength = MAX_VISIBLE_TEXT): string {
  const escaped = text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  if (escaped.length <= maxLength) return escaped;
  const note = ` … (${escaped.length - maxLength} more characters)`;
  return escaped.slice(0, Math.max(0, maxLength - note.length)) + note;
}
