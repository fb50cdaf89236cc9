// `astromorph import-settings FILE`: astromorph's (the Python package's) TOML settings read into ours,
// with a report of every key: the setting it maps to, or why it has none. --out writes our settings
// file for `astromorph train --config` (or train with `--astromorph-settings FILE` directly).
import fs from 'node:fs';
import { Command } from 'commander';
import { astromorphKeysTable } from '../astromorph-settings.ts';

export function importSettingsCommand(): Command {
  return new Command('import-settings')
    .description("read astromorph's (Python) TOML settings file: map each key to ours, name those with no equivalent")
    .argument('<file>', "astromorph's settings file (datafile, network_name, byol_settings, epochs, …)")
    .option('--out <settings.toml>', 'write the mapped settings as our settings file (never overwrites)')
    .option('--json', 'print the result as JSON: {keys: [{key, value, ours, note}], settings, given, datafile}')
    .addHelpText('after', '\nExamples:\n  astromorph import-settings training_settings.toml\n'
      + '  astromorph import-settings training_settings.toml --out settings.toml && astromorph train survey.amproj --config settings.toml\n'
      + '  astromorph train survey.amproj --astromorph-settings training_settings.toml   # the same, in one step')
    .action(async (file: string, opts: { out?: string; json?: boolean }) => {
      const { importAstromorphSettings } = await import('../../api/services/training/astromorph-settings.ts');
      const mapped = importAstromorphSettings(file);
      if (opts.out !== undefined) {
        const { stringify } = await import('smol-toml');
        const header = `# Mapped from astromorph's ${file} by astromorph import-settings; keys left out take their defaults.\n`;
        try {
          fs.writeFileSync(opts.out, header + stringify(mapped.given) + '\n', { flag: 'wx' });
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          throw new Error(`${opts.out}: ${err.code === 'EEXIST' ? 'already exists; not overwriting it' : err.message}`, { cause: e });
        }
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify({ keys: mapped.keys, settings: mapped.settings, given: mapped.given, datafile: mapped.datafile }, null, 2) + '\n');
        return;
      }
      process.stdout.write(astromorphKeysTable(mapped.keys) + '\n');
      const none = mapped.keys.filter((k) => k.ours === null).length;
      process.stdout.write(`${mapped.keys.length - none} of ${mapped.keys.length} keys map to our settings; ${none} have no equivalent`
        + `${opts.out !== undefined ? `; wrote ${opts.out}` : ''}\n`);
    });
}
