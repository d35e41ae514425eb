/**
 * Why a text is not JSON, in the words of V8's parser, with the byte where it gave up when it says:
 * `malformed JSON at byte 9: expected double-quoted property name`. Asking DuckDB costs a failing
 * statement per text (about a millisecond each); this costs nothing, so every malformed record gets
 * its reason. Null when V8 reads the text after all (DuckDB's reader is stricter in a few places,
 * say a lone surrogate escape): the caller then asks DuckDB.
 */
export function jsonSyntaxError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/^Unexpected end of JSON input/.test(message)) return `malformed JSON at byte ${Buffer.byteLength(text)}: unexpected end of input`;
    const at = / (?:in JSON )?at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(message);
    // "Unexpected token 'x', "…the text…" is not valid JSON": the text is in the reject already.
    const reason = message.slice(0, at?.index).replace(/, ".*" is not valid JSON$/s, '');
    const lower = reason.charAt(0).toLowerCase() + reason.slice(1);
    if (!at) return `malformed JSON: ${lower}`;
    return `malformed JSON at byte ${Buffer.byteLength(text.slice(0, Number(at[1])))}: ${lower}`;
  }
}
