// Margins for Personio's clock, shared by every source that records how far it has read: a
// cursor stays a little behind when a read began, and a stamp far past Personio's own clock is a
// stamp in the future.
/**
 * How far a cursor stays behind the moment its listing began by Personio's clock: a change
 * committed just before the first page may not be visible to it yet.
 */
export const SKEW_MARGIN_MS = 5_000
/** A record stamped this far past Personio's own clock is stamped in the future. */
export const AHEAD_MARGIN_MS = 60_000
