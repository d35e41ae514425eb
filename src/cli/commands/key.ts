import type { Command } from 'commander';
import { InvalidInput } from '../../errors.js';
import { masterKeyFrom } from '../../keys/index.js';
import { rotateMasterKey } from '../../project/index.js';
import { action, inProject, out } from '../context.js';

/** Where `silt key rotate --master` takes the new master key from, when no --new-key-file is given. */
const NEW_KEY_VARIABLE = 'SILT_NEW_MASTER_KEY';

export function register(program: Command): void {
  const key = program.command('key').description('the keys that encrypt tables at rest');
  key
    .command('rotate')
    .description(`re-wrap every encrypted table's data key with a new master key (no data file is rewritten); the current key is SILT_MASTER_KEY or encryption.master_key_file, the new one ${NEW_KEY_VARIABLE} or --new-key-file`)
    .requiredOption('--master', 'rotate the master key (data keys stay, so data files stay as they are)')
    .option('--new-key-file <file>', 'a file holding the new master key (base64 of 32 bytes)')
    .action(
      action(async function (this: Command, opts: { master: boolean; newKeyFile?: string }) {
        const to = masterKeyFrom(opts.newKeyFile ? {} : process.env, NEW_KEY_VARIABLE, opts.newKeyFile);
        if (!to) throw new InvalidInput(`key rotate: give the new master key in ${NEW_KEY_VARIABLE} or --new-key-file FILE (base64 of 32 random bytes, e.g. \`openssl rand -base64 32\`)`);
        const rotated = await inProject(this, (p) => rotateMasterKey(p, to));
        for (const r of rotated) out(`${r.table}: ${r.already ? 'already wrapped by' : 're-wrapped with'} master key ${to.id}`);
        out(`${rotated.length} encrypted tables now use master key ${to.id}; set SILT_MASTER_KEY (or the key file) to the new key from now on`);
      }),
    );
}
