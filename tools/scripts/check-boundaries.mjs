// Lints imports that the module-boundary rules must refuse, without writing files: each case is
// linted as if it lived at the given path. Exits non-zero if any forbidden import passes.
import { ESLint } from 'eslint';

const cases = [
  {
    what: 'domain importing another library (domain depends on nothing of ours)',
    filePath: 'libs/domain/src/__boundary_check__.ts',
    expect: /tagged with/i,
    code: "import * as cost from '@mediaflow/cost-model';\nexport const x = cost;\n",
  },
  {
    what: 'a relative import across packages',
    expect: /relative or absolute path/i,
    filePath: 'libs/domain/src/__boundary_check__.ts',
    code: "import * as cost from '../../cost-model/src/index.js';\nexport const x = cost;\n",
  },
  {
    what: 'an image pipeline importing the cost model (another area)',
    expect: /tagged with/i,
    filePath: 'libs/image-pipeline/src/__boundary_check__.ts',
    code: "import * as cost from '@mediaflow/cost-model';\nexport const x = cost;\n",
  },
  {
    what: 'a library importing an app',
    // The CLI already depends on the image pipeline, so the cycle may be reported first.
    expect: /tagged with|apps are forbidden|circular dependency/i,
    filePath: 'libs/image-pipeline/src/__boundary_check__.ts',
    code: "import * as cli from '@mediaflow/cli';\nexport const x = cli;\n",
  },
  {
    what: 'an app importing another app',
    filePath: 'apps/web-gallery/src/__boundary_check__.ts',
    expect: /apps are forbidden|tagged with/i,
    code: "import * as cli from '@mediaflow/cli';\nexport const x = cli;\n",
  },
];

const eslint = new ESLint();
let failures = 0;
for (const c of cases) {
  const [result] = await eslint.lintText(c.code, { filePath: c.filePath });
  // Only a refusal by the layering rules counts (tags, relative paths, app imports), not an
  // incidental one such as an undeclared dependency.
  const hits = (result?.messages ?? []).filter(
    (m) => m.ruleId === '@nx/enforce-module-boundaries' && c.expect.test(m.message),
  );
  if (hits.length > 0) {
    console.log(`refused as expected: ${c.what}\n    ${hits[0].message.split('\n')[0]}`);
  } else {
    failures += 1;
    console.error(`NOT refused: ${c.what}`);
  }
}
if (failures > 0) process.exit(1);
console.log(`boundaries: ${cases.length} forbidden imports refused`);
