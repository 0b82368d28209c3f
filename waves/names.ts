/**
 * Names and free text as GTKWave can read them. GTKWave reads bytes as signed chars, so any byte >= 0x80
 * ends the file; a blank or `:` inside a `$var` name is fatal; `.` and `[` are reinterpreted as hierarchy and
 * bit ranges (vcd.md §2.1.2, checklist items 1, 9, 10). We therefore map every name onto `[A-Za-z0-9_$]+`
 * instead of escaping: escaped names still break some readers (Verilator #107), and collisions created by the
 * mapping are reported by the layout, never resolved silently.
 */

const NAME_CHAR = /[A-Za-z0-9_$]/;

/** Map a module, signal or port name onto `[A-Za-z0-9_$]+`. A leading `$` gets a `_` so it cannot read as a keyword. */
export function sanitizeName(name: string): string {
  let out = '';
  for (const ch of name) out += NAME_CHAR.test(ch) ? ch : '_';
  if (out.length === 0) return '_';
  if (out.charCodeAt(0) === 36 /* $ */) out = '_' + out;
  return out;
}

/** True when `name` needs no change. */
export function isCleanName(name: string): boolean {
  return name.length > 0 && /^[A-Za-z0-9_$]+$/.test(name) && name[0] !== '$';
}

/**
 * Turn arbitrary text (a date, an error message) into one line of printable ASCII for a `$date`, `$version`
 * or `$comment` body: control and non-ASCII characters become blanks, blank runs collapse, and any word that
 * starts with `$` gets a `_` so that `$end` inside the text cannot close the command early.
 */
export function sanitizeText(text: string, maxLength = 1000): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    out += c >= 0x20 && c <= 0x7e ? ch : ' ';
  }
  out = out.replace(/ +/g, ' ').trim();
  out = out.replace(/(^| )\$/g, '$1_$$');
  if (out.length > maxLength) out = out.slice(0, Math.max(0, maxLength - 3)) + '...';
  return out;
}
