import { createContext } from 'preact';

/**
 * Whether the amoCRM user is an account administrator (entry.ts reads it from the host): only an
 * administrator is offered a failure's technical detail. Unknown reads as not an administrator.
 */
export const IsAdmin = createContext(false);
