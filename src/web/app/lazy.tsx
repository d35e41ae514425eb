import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox } from './ui.js';

/** A part of the console loaded on first use (the SQL editor, the lineage graph), so the first page stays small. */
export function Lazy<P extends object>({ load, props }: { load: () => Promise<ComponentType<P>>; props?: P }) {
  const [C, setC] = useState<{ c?: ComponentType<P>; error?: Error }>({});
  useEffect(() => {
    load().then((c) => setC({ c }), (error: Error) => setC({ error }));
  }, []);
  if (C.error) return <ErrorBox error={`Could not load this part of the console (${C.error.message}); reload the page.`} />;
  if (!C.c) return <p class="muted" role="status">Loading…</p>;
  const Comp = C.c;
  return <Comp {...(props as P)} />;
}
