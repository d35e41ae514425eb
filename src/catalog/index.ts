export { Catalog, CATALOG_NAME, type TableDefinition, type TableIdent } from './catalog.js';
export { checkName, parseTableName } from './names.js';
