export { alertsConfig, alertsSectionSchema, type AlertChannel, type AlertRule, type AlertsConfig } from './alerts-config.js';
export { evaluateAlerts, type AlertOutcome, type AlertProject } from './evaluate.js';
export { startAlertChecks } from './alert-checks.js';
export type { Finding } from './findings.js';
