export type { ByteRange, ListOptions, ObjectInfo, ObjectStore, PutOptions } from './object-store.js';
export { joinKey } from './object-store.js';
export { LocalStore, machineAdvice, machineFault, OutsideStore } from './local-store.js';
