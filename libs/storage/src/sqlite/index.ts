/** `@mediaflow/storage/sqlite`: the local stack's media repository on SQLite. */
export { MEDIA_MIGRATIONS, migrate, type Migration } from './migrations.js';
export { SqliteMediaRepository, type SqliteMediaRepositoryOptions } from './sqlite-media-repository.js';
