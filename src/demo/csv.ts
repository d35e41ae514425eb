/** RFC 4180 fields: quoted only when needed, and when edge spaces must survive a trimming reader. */
export function csvField(value: string): string {
  if (/[",\r\n]/.test(value) || value.startsWith(' ') || value.endsWith(' ')) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}

export function csvLine(values: readonly string[]): string {
  let line = csvField(values[0] ?? '');
  for (let i = 1; i < values.length; i++) line += `,${csvField(values[i] as string)}`;
  return `${line}\n`;
}
