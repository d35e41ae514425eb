import './style.css';
import { render, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, hasToken, setToken, takeTokenFromAddress, whenUnauthenticated } from './api.js';
import { AlertsPage } from './pages/alerts.js';
import { CatalogPage } from './pages/catalog.js';
import { OverviewPage } from './pages/overview.js';
import { PipelinesPage } from './pages/pipelines.js';
import { QualityPage } from './pages/quality.js';
import { TablePage } from './pages/table.js';
import { TriggersPage } from './pages/triggers.js';
import { Lazy } from './lazy.js';

/** The location after `#/`, split: `#/catalog/gold/daily_sales?x=1` → ['catalog','gold','daily_sales'], {x:'1'}. */
function parseHash(): { parts: string[]; query: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path = '', q = ''] = raw.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q) };
}

const NAV: [string, string][] = [
  ['', 'Overview'],
  ['catalog', 'Catalog'],
  ['sql', 'SQL'],
  ['pipelines', 'Pipelines'],
  ['triggers', 'Triggers'],
  ['quality', 'Data quality'],
  ['alerts', 'Alerts'],
];

const SqlPage = () => <Lazy load={() => import('./pages/sql.js').then((m) => m.SqlPage as ComponentType)} />;

function page(parts: string[], query: URLSearchParams) {
  const [top, a, b] = parts;
  switch (top ?? '') {
    case '':
      return <OverviewPage />;
    case 'catalog':
      return a && b ? <TablePage ns={a} table={b} tab={query.get('tab') ?? 'schema'} /> : <CatalogPage q={query.get('q') ?? ''} />;
    case 'sql':
      return <SqlPage key={query.get('q') ?? ''} />;
    case 'pipelines':
      return <PipelinesPage runId={a} />;
    case 'triggers':
      return <TriggersPage />;
    case 'quality':
      return <QualityPage table={a && b ? `${a}.${b}` : undefined} />;
    case 'alerts':
      return <AlertsPage />;
    default:
      return <p role="alert">No page {location.hash}. Pick one from the menu.</p>;
  }
}

/** Asks for an API token when the console has none, or the server refused the one it had. */
function SignIn() {
  const [token, setValue] = useState('');
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault();
        setToken(token.trim());
        location.reload();
      }}
    >
      <h1 tabIndex={-1}>Sign in</h1>
      <p>
        Paste an API token: <code>silt token create NAME</code> makes one, and <code>silt serve</code> prints the owner's console address with
        its token.
      </p>
      <label>
        API token <input type="password" autocomplete="off" required value={token} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">Sign in</button>
    </form>
  );
}

function App() {
  const [signedOut, setSignedOut] = useState(!hasToken());
  const [route, setRoute] = useState(parseHash);
  const [project, setProject] = useState('');
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => {
    const on = () => {
      setRoute(parseHash());
      setMenuOpen(false);
      // The new page's heading takes the focus, so keyboard and screen-reader users land on it.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
    };
    addEventListener('hashchange', on);
    whenUnauthenticated(() => {
      setToken(null);
      setSignedOut(true);
    });
    get<{ project: string }>('/health').then((h) => setProject(h.project), () => setProject(''));
    return () => removeEventListener('hashchange', on);
  }, []);
  const top = route.parts[0] ?? '';
  const title = NAV.find(([k]) => k === top)?.[1] ?? 'Silt';
  useEffect(() => {
    document.title = `${title} · Silt${project ? ` · ${project}` : ''}`;
  }, [title, project]);
  return (
    <div class="shell">
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">
          <span class="logo" aria-hidden="true" />
          Silt
        </span>
        {project && <span class="project">{project}</span>}
        <button class="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
      </header>
      <nav id="nav" class={menuOpen ? 'open' : ''} aria-label="Console">
        <ul>
          {NAV.map(([k, label]) => (
            <li>
              <a href={`#/${k}`} aria-current={k === top ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {signedOut ? <SignIn /> : page(route.parts, route.query)}
      </main>
    </div>
  );
}

takeTokenFromAddress();
const root = document.getElementById('root');
if (root) render(<App />, root);
