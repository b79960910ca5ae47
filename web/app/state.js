// The page's mutable state, all of it in one object: the two workers, the
// last request checked, the generation in progress and the CSR and key it
// made, and the counters that let only the newest answer through. Every
// other module keeps constants and functions only. Sealed, so a misspelt
// name throws instead of quietly making a new field.

export const state = Object.seal({
  // The tools worker and the generator (see background.js): null until
  // first use, and the generator again for a moment at Cancel.
  toolsWorker: null,
  generator: null,

  // The last request checked, and the core's verdict on it.
  checked: { json: null, error: null },
  checkSeq: 0, // bumps on every check; only the newest one's verdict shows
  sansSeq: 0, // the same for the SANs shown under Hosts

  busy: false, // a key is being generated
  job: 0, // bumps on every start and Cancel, so stale endings are ignored
  ticker: 0, // the progress line's interval
  result: null, // { csr, key, request } last generated, and the request it was made from
  generatedCount: 0, // CSRs shown so far (#results[data-count])

  k8sNameEdited: false, // the user typed the object's name: the CN no longer sets it
  toastTimer: 0, // hides the toast
});
