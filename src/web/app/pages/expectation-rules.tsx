import { get, type Expectation } from '../api.js';
import { ago, num } from '../format.js';
import { Badge, Card, Empty, Head, href, Loaded, useData } from '../ui.js';

/** A rule as written in silt.yaml: `not_null(amount)`; silver's results name the rule and its column apart. */
const ruleName = (r: Expectation) => (r.rule.includes('(') || !r.column ? r.rule : `${r.rule}(${r.column})`);

/** Each table's rules: the latest result, and a pass/fail square per run, oldest left. */
export function Rules({ results, none = 'No expectations have run yet.' }: { results: Expectation[]; none?: string }) {
  const tables = [...new Set(results.map((r) => r.table))].sort();
  if (!tables.length) return <Empty>{none}</Empty>;
  return (
    <>
      {tables.map((t) => {
        const mine = results.filter((r) => r.table === t);
        const rules = [...new Set(mine.map(ruleName))];
        return (
          <Card title={t} actions={t.startsWith('silver.') && <a href={href('quality', ...t.split('.'))}>Quarantine</a>}>
            <table class="list">
              <Head cols={['Rule', 'Policy', 'Latest', 'Failing rows', 'Trend']} num={['Failing rows']} />
              <tbody>
                {rules.map((rule) => {
                  const runs = mine.filter((r) => ruleName(r) === rule);
                  const latest = runs[0]!;
                  return (
                    <tr>
                      <td>
                        <code>{rule}</code>
                      </td>
                      <td>{latest.policy}</td>
                      <td class="nowrap">
                        <Badge status={latest.failing_rows ? 'failing' : 'passing'} /> <span class="muted small">{ago(latest.run_started_at)}</span>
                      </td>
                      <td class="num">{num(latest.failing_rows)}</td>
                      <td>
                        <span class="trend" aria-label={`${runs.filter((r) => !r.failing_rows).length} of ${runs.length} runs passed`}>
                          {[...runs].reverse().map((r) => (
                            <span class={r.failing_rows ? 'fail' : 'pass'} title={`${r.run_id}: ${r.failing_rows} failing`} />
                          ))}
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </Card>
        );
      })}
    </>
  );
}

/** One table's rules with their latest result and trend over its recent runs, for the table page. */
export function TableExpectations({ qualified }: { qualified: string }) {
  const state = useData((s) => get<{ results: Expectation[] }>(`/quality/expectations?table=${encodeURIComponent(qualified)}&limit=500`, s), [qualified]);
  return <Loaded state={state}>{(d) => <Rules results={d.results} none={`No expectation has run on ${qualified}: its rules are declared in silt.yaml's silver contracts.`} />}</Loaded>;
}
