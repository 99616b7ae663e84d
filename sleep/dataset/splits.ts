/**
 * Splits by subject, never by window: every window of a subject lands in one split.
 * Default as in the tutorial: test = subjects 0-9; validation = the first group of
 * sklearn's LeavePGroupsOut(n_groups=4) over the remaining subjects, which is the 4
 * lowest-numbered of them (checked against scikit-learn in tests/fixtures/mne/splits.json);
 * train = the rest.
 */
export interface SubjectSplitOptions {
  testSubjects?: readonly number[];
  /** Explicit validation subjects; otherwise the nValid lowest-numbered non-test subjects. */
  validSubjects?: readonly number[];
  nValid?: number;
}

export interface SubjectSplit {
  trainSubjects: number[];
  validSubjects: number[];
  testSubjects: number[];
  /** Indices into the recordings list given. */
  train: number[];
  valid: number[];
  test: number[];
}

/** recordingSubjects[i] is the subject of recording i (several nights may share one). */
export function splitBySubject(recordingSubjects: readonly number[], options: SubjectSplitOptions = {}): SubjectSplit {
  const subjects = [...new Set(recordingSubjects)].sort((a, b) => a - b);
  const testSet = new Set(options.testSubjects ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const rest = subjects.filter((s) => !testSet.has(s));
  let validSet: Set<number>;
  if (options.validSubjects) {
    validSet = new Set(options.validSubjects);
    for (const s of validSet) {
      if (testSet.has(s)) throw new Error(`splitBySubject: subject ${s} is in both the test and validation subjects`);
    }
  } else {
    const nValid = options.nValid ?? 4;
    if (rest.length <= nValid) {
      throw new Error(`splitBySubject: ${rest.length} non-test subjects cannot give ${nValid} validation subjects and a training set`);
    }
    validSet = new Set(rest.slice(0, nValid));
  }
  const split: SubjectSplit = {
    trainSubjects: rest.filter((s) => !validSet.has(s)),
    validSubjects: subjects.filter((s) => validSet.has(s)),
    testSubjects: subjects.filter((s) => testSet.has(s)),
    train: [],
    valid: [],
    test: [],
  };
  recordingSubjects.forEach((s, i) => {
    (testSet.has(s) ? split.test : validSet.has(s) ? split.valid : split.train).push(i);
  });
  return split;
}
