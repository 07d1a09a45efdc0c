/** `@mediaflow/storage/sqlite`: the local stack's media, album and share-link repositories and media search on SQLite. */
export { MEDIA_MIGRATIONS, migrate, type Migration } from './migrations.js';
export { SqliteMediaRepository, type SqliteMediaRepositoryOptions } from './sqlite-media-repository.js';
export { SqliteAlbumRepository } from './sqlite-album-repository.js';
export { SqliteShareLinkRepository } from './sqlite-share-repository.js';
export { SqliteMediaSearch, type SqliteMediaSearchOptions } from './sqlite-media-search.js';
export { SqliteMediaChangeFeed, type SqliteMediaChangeFeedOptions } from './sqlite-change-feed.js';
