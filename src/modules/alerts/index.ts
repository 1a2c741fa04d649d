/** What the alerts module offers the rest of the app: writing alerts in the transaction of the action that causes them. */
export { recordAlerts, type NewAlert, type Recipient } from './alerts.service.js';
