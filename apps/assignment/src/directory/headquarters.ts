/**
 * The agency headquarters desk: a consulate row of the directory that receives the cases no
 * office covers (routing's `no_coverage`). The directory ensures it at every start and refuses
 * to deactivate it; routing falls back to it. It lives here, with the directory that owns the
 * row, so that the directory needs nothing from the assignments feature.
 */
export const HQ_CONSULATE_ID = 'HQ';
