export { TrinoClient, type TrinoResult, type TrinoSettings } from './client.js';
