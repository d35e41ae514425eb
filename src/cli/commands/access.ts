import type { Command } from 'commander';
import { parseDuration } from '../../config/index.js';
import { addMember, createPrincipal, PIPELINE_GRANTS, createToken, dropPrincipal, principalRow, removeMember, revokeToken, securableOfRow, securableText } from '../../governance/index.js';
import { action, inProject, out } from '../context.js';

/** `silt principal|group|token|grants`: who exists, who belongs where, their API tokens, and what they were granted. Run as the owner. */
export function register(program: Command): void {
  const principal = program.command('principal').description('users and service principals (a pipeline, an external engine)');
  principal
    .command('create')
    .argument('<name>')
    .option('--service', 'a service principal (an engine or job), not a person')
    .action(
      action(async function (this: Command, name: string, opts: { service?: boolean }) {
        const row = await inProject(this, (p) => createPrincipal(p.catalog, name, opts.service ? 'service' : 'user'));
        out(`created ${row.kind} ${row.name}`);
      }),
    );
  principal.command('list').action(
    action(async function (this: Command) {
      const rows = await inProject(this, async (p) => {
        const members = await p.catalog.access.members();
        return (await p.catalog.access.principals()).map((r) => {
          const groups = members.filter((m) => m.member === r.name).map((m) => m.group);
          const inside = members.filter((m) => m.group === r.name).map((m) => m.member);
          const extra = r.kind === 'group' ? `members: ${inside.join(', ') || '-'}` : `groups: ${groups.join(', ') || '-'}`;
          return `${r.name.padEnd(20)} ${r.kind.padEnd(8)} ${extra}${r.origin === 'config' ? '  (silt.yaml)' : ''}`;
        });
      });
      if (rows.length) out(rows.join('\n'));
    }),
  );
  principal
    .command('drop')
    .argument('<name>')
    .description('drop a principal or group with its tokens, memberships and grants')
    .action(
      action(async function (this: Command, name: string) {
        const row = await inProject(this, (p) => dropPrincipal(p.catalog, name));
        out(`dropped ${row.kind} ${row.name} (its tokens, memberships and grants with it)`);
      }),
    );

  const group = program.command('group').description('groups of principals: grants to a group reach its members');
  group
    .command('create')
    .argument('<name>')
    .action(
      action(async function (this: Command, name: string) {
        await inProject(this, (p) => createPrincipal(p.catalog, name, 'group'));
        out(`created group ${name}`);
      }),
    );
  group
    .command('add')
    .argument('<group>')
    .argument('<members...>')
    .action(
      action(async function (this: Command, name: string, members: string[]) {
        await inProject(this, async (p) => {
          for (const m of members) await addMember(p.catalog, name, m);
        });
        out(`group ${name}: added ${members.join(', ')}`);
      }),
    );
  group
    .command('remove')
    .argument('<group>')
    .argument('<member>')
    .action(
      action(async function (this: Command, name: string, member: string) {
        await inProject(this, (p) => removeMember(p.catalog, name, member));
        out(`group ${name}: removed ${member}`);
      }),
    );
  group.command('list').action(
    action(async function (this: Command) {
      const rows = await inProject(this, async (p) => {
        const members = await p.catalog.access.members();
        return (await p.catalog.access.principals()).filter((r) => r.kind === 'group').map((g) => `${g.name.padEnd(20)} ${members.filter((m) => m.group === g.name).map((m) => m.member).join(', ') || '-'}`);
      });
      if (rows.length) out(rows.join('\n'));
    }),
  );

  const token = program.command('token').description('API tokens: a bearer token for `silt serve`, shown once; only its hash is kept');
  token
    .command('create')
    .argument('<principal>')
    .option('--expires <duration>', 'how long it lives, e.g. 12h or 90d (default: until revoked)')
    .option('--note <text>', 'what it is for')
    .action(
      action(async function (this: Command, name: string, opts: { expires?: string; note?: string }) {
        const expiresInMs = opts.expires === undefined ? undefined : parseDuration(opts.expires, 'token create: --expires');
        const issued = await inProject(this, (p) => createToken(p.catalog, name, { ...(expiresInMs !== undefined ? { expiresInMs } : {}), ...(opts.note ? { note: opts.note } : {}) }));
        const until = issued.row.expiresMs === null ? 'does not expire' : `expires ${new Date(issued.row.expiresMs).toISOString()}`;
        out(`${issued.token}\ntoken ${issued.row.tokenId} for ${name}, ${until}; it is shown only now: keep it (as client_id:secret, ${name}:<token> for OAuth2)`);
      }),
    );
  token
    .command('list')
    .option('--principal <name>', 'only this principal\'s')
    .action(
      action(async function (this: Command, opts: { principal?: string }) {
        const rows = await inProject(this, async (p) => {
          if (opts.principal) await principalRow(p.catalog, opts.principal, ['user', 'service']);
          return p.catalog.access.tokens(opts.principal);
        });
        const now = Date.now();
        const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());
        const state = (r: (typeof rows)[number]): string => (r.revokedMs !== null ? 'revoked' : r.expiresMs !== null && r.expiresMs <= now ? 'expired' : 'active');
        if (rows.length) out(rows.map((r) => `${r.tokenId}  ${r.principal.padEnd(16)} ${r.purpose.padEnd(6)} ${state(r).padEnd(7)} created ${iso(r.createdMs)}  expires ${iso(r.expiresMs)}  last used ${iso(r.lastUsedMs)}${r.note ? `  ${r.note}` : ''}`).join('\n'));
      }),
    );
  token
    .command('revoke')
    .argument('<token-id>')
    .action(
      action(async function (this: Command, id: string) {
        const row = await inProject(this, (p) => revokeToken(p.catalog, id));
        out(`revoked token ${row.tokenId} of ${row.principal}`);
      }),
    );

  program
    .command('grants')
    .description('what each principal and group was granted (GRANT/REVOKE in `silt query` change it)')
    .option('--principal <name>', 'only what reaches this principal (its own and its groups\' grants)')
    .action(
      action(async function (this: Command, opts: { principal?: string }) {
        const rows = await inProject(this, async (p) => {
          if (!opts.principal) return [...PIPELINE_GRANTS, ...(await p.catalog.access.grants())];
          if (opts.principal === PIPELINE_GRANTS[0]!.grantee) return PIPELINE_GRANTS;
          await principalRow(p.catalog, opts.principal);
          return p.catalog.access.grants([opts.principal, ...(await p.catalog.access.groupsOf(opts.principal))]);
        });
        if (rows.length) {
          out(rows.map((g) => `${g.grantee.padEnd(16)} ${g.privilege.padEnd(7)} ${securableText(securableOfRow(g))}${g.grantOption ? '  WITH GRANT OPTION' : ''}${g.origin === 'config' ? '  (silt.yaml)' : g.origin === 'implicit' ? '  (implicit)' : ''}`).join('\n'));
        }
      }),
    );
}
