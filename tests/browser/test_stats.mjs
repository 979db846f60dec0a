// The council's figures as a reader sees them, in Debian's chromium (through playwright-core):
//   - `digifarm stats --chart` draws an SVG whose every text element lies inside its viewBox
//     (no clipped label), for the Münster example in German and English and for a catalog
//     with long names and many partners and quarters;
//   - `digifarm stats --format html --out report.html` prints on exactly one A4 page (printed
//     to PDF by chromium, pages counted in the PDF), in the catalog's language, with its chart
//     unclipped, and makes no request to anything but its own file.
// Writes target/browser/stats-report.png and stats-report.pdf. Usage: node test_stats.mjs;
// environment: DIGIFARM_BIN (default target/debug/digifarm), CHROMIUM (default /usr/bin/chromium).

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const bin = process.env.DIGIFARM_BIN || path.join(root, "target", "debug", "digifarm");
const outDir = path.join(root, "target", "browser");
const work = mkdtempSync(path.join(tmpdir(), "digifarm-stats-"));

let failures = 0;
function check(condition, message) {
  if (condition) {
    console.log(`ok    ${message}`);
  } else {
    failures += 1;
    console.log(`FAIL  ${message}`);
  }
}

/// A catalog that stresses the layout: a long city name, a long extra need kind, long
/// partner names, 40 partners with support, admissions spread over eight years.
function writeLargeCatalog(dir) {
  for (const sub of ["projects", "partners", "offers"]) {
    mkdirSync(path.join(dir, sub), { recursive: true });
  }
  writeFileSync(path.join(dir, "digifarm.toml"), [
    'need_kinds = ["rechtsberatung-und-datenschutzfolgenabschaetzung"]',
    "",
    "[city]",
    'name = "Hansestadt Lüneburg an der Ilmenau und Umgebung"',
    'ags = "03355022"',
    'languages = ["de", "en"]',
    "",
  ].join("\n"));
  const kinds = ["content", "technical", "financial", "rechtsberatung-und-datenschutzfolgenabschaetzung"];
  for (let i = 0; i < 40; i++) {
    writeFileSync(path.join(dir, "partners", `partner-${i}.yaml`),
      `id: partner-${i}\nname: Wissenschaftliche Einrichtung für Digitalisierung Nummer ${i}\nkind: academic\nregion: '03355022'\n`);
  }
  for (let i = 0; i < 60; i++) {
    const year = 2018 + (i % 8);
    const month = String(1 + (i % 12)).padStart(2, "0");
    const needs = kinds.map((kind, k) => {
      const supported = (i + k) % 3 !== 0;
      return `  - kind: ${kind}\n    hours_per_month: ${4 + k}\n` +
        (supported ? `    supported_by:\n      - partner: partner-${(i + k) % 40}\n        since: ${year + 1}-${month}-15\n` : "");
    }).join("");
    writeFileSync(path.join(dir, "projects", `projekt-${i}.yaml`),
      `id: projekt-${i}\nname: Projekt ${i}\nsummary: Ein Projekt für die Stadt.\nstatus: live\n` +
      `lifecycle: admitted\nadmitted_on: ${year}-${month}-01\nlicense: MIT\nlinks:\n  source: https://example.org/p${i}\n` +
      `last_reviewed: 2026-10-01\nneeds:\n${needs}`);
  }
}

const catalogs = [
  { name: "Münster (de)", dir: path.join(root, "examples", "muenster"), args: [], lang: "de" },
  { name: "Münster (en)", dir: path.join(root, "examples", "muenster"), args: ["--lang", "en"], lang: "en" },
  { name: "long names, 40 partners, 8 years", dir: path.join(work, "large"), args: [], lang: "de" },
];
writeLargeCatalog(catalogs[2].dir);

/// Text elements whose box leaves the SVG's viewBox, measured in the SVG's own units.
async function clippedTexts(page, selector) {
  return page.evaluate((sel) => {
    const svg = document.querySelector(sel);
    const vb = svg.viewBox.baseVal;
    const bad = [];
    const texts = [...svg.querySelectorAll("text")];
    for (const t of texts) {
      const b = t.getBBox();
      if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 ||
          b.y + b.height > vb.y + vb.height + 0.5) {
        bad.push(`"${t.textContent}" at ${b.x.toFixed(1)},${b.y.toFixed(1)} ${b.width.toFixed(1)}×${b.height.toFixed(1)} in ${vb.width}×${vb.height}`);
      }
    }
    return { count: texts.length, bad };
  }, selector);
}

const profile = mkdtempSync(path.join(tmpdir(), "digifarm-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1000, height: 1400 },
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
mkdirSync(outDir, { recursive: true });
try {
  const external = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) {
      return route.continue();
    }
    external.push(url);
    return route.abort();
  });
  const page = await context.newPage();

  // The checks can fail: a label outside the viewBox is found, and a long page prints on
  // more than one sheet.
  const clipped = path.join(work, "clipped.svg");
  writeFileSync(clipped, '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40" viewBox="0 0 100 40">' +
    '<text x="10" y="20">inside</text><text x="60" y="20">clipped at the right edge</text></svg>');
  await page.goto(pathToFileURL(clipped).href);
  const control = await clippedTexts(page, "svg");
  check(control.bad.length === 1 && control.bad[0].includes("clipped at the right edge"),
    "the clipping check finds a label that leaves the viewBox");
  const long = path.join(work, "long.html");
  writeFileSync(long, `<!DOCTYPE html><html lang="de"><title>x</title><body>${"<p>Zeile</p>".repeat(200)}</body></html>`);
  await page.goto(pathToFileURL(long).href);
  const longPages = (
    (await page.pdf({ format: "A4" })).toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g) || []
  ).length;
  check(longPages > 1, `the page count sees a long page print on ${longPages} pages`);

  for (const c of catalogs) {
    const chart = path.join(work, `chart-${catalogs.indexOf(c)}.svg`);
    const report = path.join(work, `report-${catalogs.indexOf(c)}.html`);
    execFileSync(bin, ["stats", c.dir, "--today", "2026-11-26", ...c.args, "--chart", chart,
      "--format", "html", "--out", report], { stdio: "inherit" });

    await page.goto(pathToFileURL(chart).href);
    const svg = await clippedTexts(page, "svg");
    check(svg.count > 10 && svg.bad.length === 0,
      `${c.name}: all ${svg.count} labels of the chart lie inside its viewBox${svg.bad.length ? ": " + svg.bad.join("; ") : ""}`);

    await page.goto(pathToFileURL(report).href);
    check((await page.getAttribute("html", "lang")) === c.lang, `${c.name}: the report is in ${c.lang}`);
    const inline = await clippedTexts(page, "figure svg");
    check(inline.bad.length === 0, `${c.name}: the report's chart is not clipped either`);
    const headers = await page.locator("th[scope]").count();
    check(headers > 5, `${c.name}: the report's tables have header cells (${headers})`);
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
    check(pages === 1, `${c.name}: the report prints on ${pages} A4 page(s), expected 1`);
    if (catalogs.indexOf(c) === 0) {
      writeFileSync(path.join(outDir, "stats-report.pdf"), pdf);
      await page.screenshot({ path: path.join(outDir, "stats-report.png"), fullPage: true });
      const text = readFileSync(report, "utf8");
      check(text.includes("Programmstatistik") && text.includes("26. November 2026"),
        "the Münster report speaks German with German dates");
    }
  }
  check(external.length === 0, `no request left the local files${external.length ? ": " + external.join(", ") : ""}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}

console.log(failures === 0 ? "stats browser test passed" : `stats browser test FAILED: ${failures} check(s)`);
process.exit(failures === 0 ? 0 : 1);
