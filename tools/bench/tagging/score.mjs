// Scoring of a tagger's tags against the labelled set (labelled-set/README.md has the rules):
//   - a returned tag is right when it is in `present`, or is a parent category of a present label
//     (`sheep` -> `animal`), or is `people` where a person is present;
//   - it is ignored when it is `incidental` (or a parent of an incidental label);
//   - anything else is a false label, listed in `absent` or not (those that are listed are also
//     counted apart: confusions checked by eye);
//   - a label written in `present` that is not returned is a miss. Implied parents are allowed but
//     not required.
// Pure functions: run.mjs feeds them the tags of each image.

/** The parent categories of `name`, nearest first, through `parents` (name -> parent). */
function ancestors(name, parents) {
  const out = [];
  for (let p = parents[name]; p !== undefined && !out.includes(p); p = parents[p]) out.push(p);
  return out;
}

/** `labels` with every ancestor added. */
function withAncestors(labels, parents) {
  return new Set(labels.flatMap((label) => [label, ...ancestors(label, parents)]));
}

/**
 * The verdict on one photograph's tags.
 *
 * @param entry  a labelled photograph: `{ id, present, incidental, absent }`
 * @param tags   the tags the tagger gave it: `[{ name, parent? }]`
 * @param parents COCO_PARENTS (name -> parent category); the tags' own parents are added to it
 */
export function scoreImage(entry, tags, parents) {
  const table = { ...parents };
  for (const tag of tags) if (tag.parent !== undefined && table[tag.name] === undefined) table[tag.name] = tag.parent;
  const right = withAncestors(entry.present, table);
  if (right.has('person')) right.add('people');
  const ignored = withAncestors(entry.incidental ?? [], table);
  if (ignored.has('person')) ignored.add('people');
  const names = [...new Set(tags.map((tag) => tag.name))];
  const correct = names.filter((name) => right.has(name));
  const incidental = names.filter((name) => !right.has(name) && ignored.has(name));
  const wrong = names.filter((name) => !right.has(name) && !ignored.has(name));
  const returned = new Set(names);
  return {
    id: entry.id,
    returned: names,
    correct,
    incidental,
    wrong,
    confusions: wrong.filter((name) => entry.absent.includes(name)),
    found: entry.present.filter((label) => returned.has(label)),
    missed: entry.present.filter((label) => !returned.has(label)),
  };
}

const ratio = (num, den) => (den === 0 ? undefined : num / den);

/**
 * Precision and recall per label and overall, from the verdicts of `scoreImage`.
 * Precision of a label: right / (right + false) over the images it was returned for (incidental
 * ones left out); recall: found / images whose `present` lists it.
 */
export function summarise(verdicts) {
  const labels = new Map();
  const row = (name) => {
    if (!labels.has(name)) labels.set(name, { label: name, right: 0, wrong: 0, incidental: 0, expected: 0, found: 0, wrongOn: [] });
    return labels.get(name);
  };
  for (const v of verdicts) {
    for (const name of v.correct) row(name).right++;
    for (const name of v.incidental) row(name).incidental++;
    for (const name of v.wrong) {
      row(name).wrong++;
      row(name).wrongOn.push(v.id);
    }
    for (const name of v.found) {
      row(name).expected++;
      row(name).found++;
    }
    for (const name of v.missed) row(name).expected++;
  }
  const rows = [...labels.values()]
    .map((r) => ({ ...r, precision: ratio(r.right, r.right + r.wrong), recall: ratio(r.found, r.expected) }))
    .sort((a, b) => b.expected - a.expected || b.right + b.wrong - (a.right + a.wrong) || a.label.localeCompare(b.label));
  const right = verdicts.reduce((n, v) => n + v.correct.length, 0);
  const wrong = verdicts.reduce((n, v) => n + v.wrong.length, 0);
  const expected = verdicts.reduce((n, v) => n + v.found.length + v.missed.length, 0);
  const found = verdicts.reduce((n, v) => n + v.found.length, 0);
  return {
    rows,
    overall: {
      right,
      wrong,
      precision: ratio(right, right + wrong),
      expected,
      found,
      recall: ratio(found, expected),
      confusions: verdicts.reduce((n, v) => n + v.confusions.length, 0),
      imagesWithFalseLabels: verdicts.filter((v) => v.wrong.length > 0).length,
      imagesAllFound: verdicts.filter((v) => v.missed.length === 0).length,
    },
  };
}

/** Faces found against the manifest, for the photographs whose faces were counted. */
export function scoreFaces(pairs) {
  const counted = pairs.filter((p) => p.expected !== undefined && p.found !== undefined);
  return {
    photos: counted.length,
    exact: counted.filter((p) => p.found === p.expected).length,
    withinOne: counted.filter((p) => Math.abs(p.found - p.expected) <= 1).length,
    meanAbsError: counted.length === 0 ? undefined : counted.reduce((n, p) => n + Math.abs(p.found - p.expected), 0) / counted.length,
    facesInPhotosWithNone: counted.filter((p) => p.expected === 0 && p.found > 0).length,
  };
}
