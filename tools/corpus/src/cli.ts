import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCorpus } from './corpus.js';
import type { CorpusEntry } from './types.js';

const USAGE = `Usage: node tools/corpus/dist/cli.js <dir> [options]
       npx nx run @mediaflow/corpus:corpus <dir> [options]

Writes the hostile-file corpus into <dir> for manual testing (upload the files through the API or
the gallery), with manifest.json listing each file, its upload name and the expected outcome.

Options:
  --canary-url URL    where hostile files point (default http://127.0.0.1:9/, which nobody serves)
  --canary-file PATH  the local file hostile files ask to read (default /etc/passwd)
  --tripwire PATH     the file the PostScript payload would create if it ever ran
  --max-image-bytes N the image size limit of the server under test (default 209715200, 200 MiB);
                      the oversized image is made 3 MiB over it
  -h, --help          show this help
`;

/** The manifest keeps what JSON can hold: patterns as their source text. */
function manifest(entries: readonly CorpusEntry[]): unknown {
  return entries.map(({ file, expect, ...rest }) => ({
    ...rest,
    file: basename(file),
    expect: { ...expect, ...(expect.reasonMatches ? { reasonMatches: expect.reasonMatches.source } : {}) },
  }));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'canary-url': { type: 'string' },
      'canary-file': { type: 'string' },
      tripwire: { type: 'string' },
      'max-image-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [dir] = positionals;
  if (values.help || dir === undefined || positionals.length > 1) {
    (values.help ? process.stdout : process.stderr).write(USAGE);
    return values.help ? 0 : 2;
  }
  const maxImageBytes = values['max-image-bytes'] === undefined ? undefined : Number(values['max-image-bytes']);
  if (maxImageBytes !== undefined && !(Number.isSafeInteger(maxImageBytes) && maxImageBytes > 0)) {
    process.stderr.write(`--max-image-bytes takes a whole number of bytes above 0\n\n${USAGE}`);
    return 2;
  }
  const entries = await buildCorpus(dir, {
    ...(values['canary-url'] === undefined ? {} : { canaryUrl: values['canary-url'] }),
    ...(values['canary-file'] === undefined ? {} : { canaryFile: values['canary-file'] }),
    ...(values.tripwire === undefined ? {} : { tripwireFile: values.tripwire }),
    ...(maxImageBytes === undefined ? {} : { maxImageBytes }),
  });
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest(entries), null, 2)}\n`);
  const width = Math.max(...entries.map((e) => e.name.length));
  for (const e of entries) {
    process.stdout.write(`${e.name.padEnd(width)}  ${e.expect.outcome.padEnd(8)}  ${String(e.bytes).padStart(8)} B  ${JSON.stringify(e.uploadName)}\n`);
  }
  process.stdout.write(`\n${entries.length} files in ${dir} (manifest.json lists the expectations)\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`corpus: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
