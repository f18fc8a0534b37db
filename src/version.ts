/**
 * This copy's version, as code rather than read from package.json: a copy
 * compiled into an app's bundle has no package.json beside it, and must
 * tell whether the installed package it borrows the binary and the helper
 * thread from is the same release (both speak its internal protocols).
 * A test holds it equal to package.json.
 */
export const VERSION = '0.1.0';
