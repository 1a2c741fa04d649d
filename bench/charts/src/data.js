// the same data for every candidate: a 12-reason Pareto (bars + cumulative line) and a 5-series trend of 400 days
export const reasons = Array.from({ length: 12 }, (_, i) => `reason ${i + 1}`);
const raw = reasons.map((_, i) => Math.round(1000 / (i + 1)));
const total = raw.reduce((a, b) => a + b, 0);
let c = 0;
export const values = raw;
export const cumulative = raw.map((v) => ((c += v), (100 * c) / total));
export const days = Array.from({ length: 400 }, (_, i) => 1_700_000_000 + i * 86_400);
export const series = Array.from({ length: 5 }, (_, s) => days.map((_, i) => 0.5 + 0.3 * Math.sin(i / 20 + s)));
