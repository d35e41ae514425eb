export type { ByteRange, EngineAccess, ListOptions, ObjectInfo, ObjectStore, PutOptions, Versioned } from './object-store.js';
export { joinKey } from './object-store.js';
export { swapObject } from './swap-object.js';
export { LocalStore, machineAdvice, machineFault, OutsideStore } from './local-store.js';
export { MemoryStore } from './memory-store.js';
export { openStore } from './open-store.js';
export { S3Store, type S3Options } from './s3-store.js';
