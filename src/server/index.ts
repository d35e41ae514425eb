export { createApp, API_VERSION } from './app.js';
export { OPEN_PATHS, requestPrincipal } from './auth.js';
export type { ServerDeps } from './deps.js';
export { startServer, type RunningServer, type ServeOptions } from './serve.js';
export { readServerFile, type ServerFile } from '../project/index.js';
export { serveSettings } from './serve-config.js';
export { startWorker, defaultWorkerName, type RunningWorker, type WorkerOptions } from './worker.js';
