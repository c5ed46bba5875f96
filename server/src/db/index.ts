export { type Database, type Db, openDatabase, PGLITE_TEMPLATE } from './open.js';
export * from './schema.js';
