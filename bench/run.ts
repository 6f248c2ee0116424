// `npm run bench`: the engine benchmark (bench/engine.ts), the JSON API path (bench/api.ts), then the numeric runtime
// benchmark (bench/numeric.ts) when it exists. Each runs in its own process (`npx tsx FILE`), one after the other, so neither one's JIT state or
// heap affects the other's figures. Figures only; the exit status is non-zero only if a benchmark itself crashed.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const benches = ["bench/engine.ts", "bench/api.ts", "bench/numeric.ts"];

let failed = 0;
for (const rel of benches) {
  if (!existsSync(new URL(`../${rel}`, import.meta.url))) {
    console.log(`\n(${rel} not present; skipped)`);
    continue;
  }
  console.log(`\n### ${rel}\n`);
  const t0 = performance.now();
  const r = spawnSync("npx", ["tsx", rel], { cwd: root, stdio: "inherit", env: process.env });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.error || r.status !== 0) {
    failed++;
    console.log(`\n${rel} failed after ${s} s (${r.error ? String(r.error) : `exit ${r.status ?? r.signal}`})`);
  } else {
    console.log(`\n${rel} done in ${s} s`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
