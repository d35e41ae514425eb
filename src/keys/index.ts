export { type KeyProvider, keyFromText, localKeyProvider, masterKeyFrom, WRAP_ALGORITHM } from './key-provider.js';
export {
  ALGORITHM_PROPERTY,
  ENCRYPTION_PROPERTY,
  isEncrypted,
  KEY_ID_PROPERTY,
  Keyring,
  keyring,
  MASTER_KEY_PROPERTY,
  newTableKey,
  PARQUET_ALGORITHM,
  parquetKeyName,
  rewrapTableKey,
  WRAP_ALGORITHM_PROPERTY,
  WRAPPED_KEY_PROPERTY,
} from './table-keys.js';
