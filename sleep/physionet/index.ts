/** PhysioNet sleep-cassette catalog and downloader (browser-safe; Node's file store is in nodeStore.ts). */
export * from './catalog.ts';
export * from './download.ts';
export * from './sha1.ts';
export * from './store.ts';
