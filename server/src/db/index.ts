export { type Database, type Db, openDatabase } from './open.js';
export * from './schema.js';
