// Drives Debian's chromium (through playwright-core) against the static HTML portal that
// `digifarm export --format html` writes, and checks what a visitor sees:
//   - the index lists every project of the catalog;
//   - the "technical help wanted" filter shows exactly the projects with an open technical
//     need (computed from the catalog's JSON export, not hard-coded);
//   - a profile page has the three support boxes;
//   - the English edition, the embed page, keyboard use and text contrast work;
//   - no page makes a request to anything but the local files.
// Writes target/browser/index.png. Usage: node test_portal.mjs (from anywhere); environment:
// DIGIFARM_BIN (default target/debug/digifarm), CATALOG (default examples/muenster, else the
// export test fixture), CHROMIUM (default /usr/bin/chromium).

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const bin = process.env.DIGIFARM_BIN || path.join(root, "target", "debug", "digifarm");
const catalog =
  process.env.CATALOG ||
  [path.join(root, "examples", "muenster"), path.join(root, "digifarm-cli", "tests", "fixtures", "export")]
    .find((p) => existsSync(path.join(p, "digifarm.toml")));
const outDir = path.join(root, "target", "browser");
const siteDir = path.join(outDir, "site");
const jsonDir = path.join(outDir, "json");

let failures = 0;
function check(condition, message) {
  if (condition) {
    console.log(`ok    ${message}`);
  } else {
    failures += 1;
    console.log(`FAIL  ${message}`);
  }
}
function sameSet(a, b) {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

mkdirSync(outDir, { recursive: true });
console.log(`catalog: ${path.relative(root, catalog)}`);
for (const [format, dir] of [["json", jsonDir], ["html", siteDir]]) {
  execFileSync(bin, ["export", catalog, "--format", format, "--out", dir, "--force"], { stdio: "inherit" });
}

// The expected result, from the JSON export.
const projects = JSON.parse(readFileSync(path.join(jsonDir, "projects.json"), "utf8"));
const wantsHelp = (p, kind) =>
  (p.needs || []).some((n) => n.kind === kind && (n.supported_by || []).length === 0);
const allIds = projects.map((p) => p.id);
const technicalIds = projects.filter((p) => wantsHelp(p, "technical")).map((p) => p.id);
check(projects.length > 0, `the JSON export has ${projects.length} projects`);
check(technicalIds.length > 0 && technicalIds.length < projects.length,
  `some but not all projects want technical help (${technicalIds.join(", ")})`);

const profile = mkdtempSync(path.join(tmpdir(), "digifarm-chromium-"));
// A fresh profile directory per run (playwright passes it as --user-data-dir).
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1200, height: 900 },
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
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
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") { errors.push(m.text()); } });

  const indexUrl = pathToFileURL(path.join(siteDir, "index.html")).href;
  await page.goto(indexUrl);
  const lang = await page.getAttribute("html", "lang");
  check(lang === "de", `index is German (<html lang="${lang}">)`);
  const listed = await page.locator("#projects > li").evaluateAll((els) => els.map((e) => e.dataset.id));
  check(sameSet(listed, allIds), `index lists all ${allIds.length} projects`);
  for (const p of projects) {
    const visible = await page.getByRole("link", { name: p.name, exact: true }).first().isVisible();
    check(visible, `index shows a link to "${p.name}"`);
  }
  await page.screenshot({ path: path.join(outDir, "index.png") });

  // The technical filter, clicked as a visitor would.
  await page.getByRole("checkbox", { name: "Technische Hilfe gesucht" }).click();
  const shown = await page.locator("#projects > li:visible").evaluateAll((els) => els.map((e) => e.dataset.id));
  check(sameSet(shown, technicalIds),
    `"Technische Hilfe gesucht" shows exactly [${technicalIds.sort().join(", ")}], got [${shown.sort().join(", ")}]`);
  const count = await page.locator("#count").textContent();
  check(count.startsWith(`${technicalIds.length} von ${projects.length}`), `the live count says "${count}"`);
  await page.getByRole("button", { name: "Filter zurücksetzen" }).click();
  await page.waitForFunction((n) => document.querySelectorAll("#projects > li:not([hidden])").length === n, allIds.length);
  check(true, "reset shows every project again");

  // Search, typed with the keyboard.
  const first = projects[0];
  await page.getByLabel("Suche").fill(first.name.toLowerCase());
  const found = await page.locator("#projects > li:visible").evaluateAll((els) => els.map((e) => e.dataset.id));
  check(found.includes(first.id), `searching "${first.name}" finds it`);
  await page.getByLabel("Suche").fill("");

  // Keyboard: the first Tab lands on the skip link, which leads to the main content.
  await page.goto(indexUrl);
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.className);
  check(focused === "skip", "the first Tab focuses the skip link");

  // Contrast of text that matters (WCAG AA: 4.5:1).
  const ratios = await page.evaluate(() => {
    function rgb(s) { return (s.match(/[\d.]+/g) || []).slice(0, 3).map(Number); }
    function lum(c) {
      const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    }
    function bg(el) {
      for (let e = el; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c && !c.startsWith("rgba(0, 0, 0, 0)") && c !== "transparent") { return rgb(c); }
      }
      return [255, 255, 255];
    }
    return ["body", "#projects a", ".badge", ".meta", "label"].map((sel) => {
      const el = document.querySelector(sel);
      if (!el) { return [sel, null]; }
      const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el));
      return [sel, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
    });
  });
  for (const [sel, ratio] of ratios) {
    if (ratio !== null) { check(ratio >= 4.5, `contrast of ${sel} is ${ratio.toFixed(1)}:1`); }
  }

  // A profile page, reached by clicking.
  const target = projects.find((p) => technicalIds.includes(p.id)) || first;
  await page.getByRole("link", { name: target.name, exact: true }).first().click();
  await page.waitForURL(`**/projects/${target.id}.html`);
  check((await page.locator("h1").textContent()).trim() === target.name, `profile of "${target.name}" opens`);
  const kinds = await page.locator(".support-box").evaluateAll((els) => els.map((e) => e.dataset.kind));
  check(["content", "technical", "financial"].every((k) => kinds.includes(k)),
    `the profile has the three support boxes (${kinds.join(", ")})`);
  const techBox = await page.locator('.support-box[data-kind="technical"]').textContent();
  check(techBox.includes("Technische Hilfe gesucht"), "its technical box says help is wanted");
  check(await page.locator("#license .verdict").isVisible(), "the licence verdict is shown");

  // English edition.
  await page.getByRole("link", { name: "English" }).click();
  check((await page.getAttribute("html", "lang")) === "en", "the English profile has lang=en");
  await page.goto(pathToFileURL(path.join(siteDir, "en", "index.html")).href);
  await page.getByRole("checkbox", { name: "Technical help wanted" }).click();
  const shownEn = await page.locator("#projects > li:visible").evaluateAll((els) => els.map((e) => e.dataset.id));
  check(sameSet(shownEn, technicalIds), "the English filter \"Technical help wanted\" agrees");

  // Embed page: no page chrome, filters work, preset through the URL.
  await page.goto(`${pathToFileURL(path.join(siteDir, "embed.html")).href}?help=technical`);
  check((await page.locator("header.site").count()) === 0, "embed.html has no page header");
  const shownEmbed = await page.locator("#projects > li:visible").evaluateAll((els) => els.map((e) => e.dataset.id));
  check(sameSet(shownEmbed, technicalIds), "embed.html?help=technical presets the filter");

  check(external.length === 0, `no request left the local files${external.length ? ": " + external.join(", ") : ""}`);
  check(errors.length === 0, `no script errors${errors.length ? ": " + errors.join("; ") : ""}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(failures === 0 ? "browser test passed" : `browser test FAILED: ${failures} check(s)`);
process.exit(failures === 0 ? 0 : 1);
