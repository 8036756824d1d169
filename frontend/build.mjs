// Bundles the staff front end into the clinical app's static folder (built, not committed).
import { build } from "esbuild";

await build({
  entryPoints: { agenda: "src/agenda/main.ts" },
  outdir: "../erp/clinical/static/clinical/agenda",
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
