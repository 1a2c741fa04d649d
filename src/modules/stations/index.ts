/** What the stations module offers the rest of the app: the shop floor's hold on a substation. */
export { freeSubstationsHolding, lockSubstation, occupySubstation } from './stations.repository.js';
