// Drives Debian's chromium (through playwright-core) against the static HTML portal that
// `digifarm export --format html` writes, served by a real HTTP server on 127.0.0.1, and
// checks what a visitor sees:
//   - the index lists every published project; the "technical help wanted" filter shows
//     exactly the projects with an open technical need (computed from the catalog's JSON
//     export, not hard-coded); search, reset, the English edition and embed.html work;
//   - axe-core finds no violation on index, a profile, embed and propose, in German and
//     English, at 390 px and 1280 px (on the Münster example and on a catalog with logo,
//     accent colour and project images);
//   - keyboard only: every filter and the whole proposal form work with Tab, Enter, Space
//     and the arrow keys, and the focused element always shows a visible outline;
//   - "Ich möchte helfen" opens the programme's route (an e-mail naming project and need);
//   - the proposal round trip: the form filled in the browser gives a YAML file that
//     `digifarm propose` accepts unchanged and `digifarm review --pending` then lists; the
//     form shows the CLI's own message for a licence the city does not allow;
//   - every local link (href, src) of every page resolves, for a single and a merged
//     catalog; no request leaves the local server; no script error.
// Writes screenshots to target/browser/ (390 px and 1280 px); with DIGIFARM_DOCS_SCREENSHOTS=1
// also docs/portal-{index,profile,propose}.png. Environment: DIGIFARM_BIN (default
// target/debug/digifarm), CHROMIUM (default /usr/bin/chromium).

import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const bin = process.env.DIGIFARM_BIN || path.join(root, "target", "debug", "digifarm");
const muenster = path.join(root, "examples", "muenster");
const fixture = path.join(root, "digifarm-cli", "tests", "fixtures", "portal");
const outDir = path.join(root, "target", "browser");
const docs = process.env.DIGIFARM_DOCS_SCREENSHOTS === "1";
const TODAY = "2026-11-26";
const axeSource = readFileSync(path.join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");

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
function digifarm(args, options = {}) {
  return spawnSync(bin, args, { encoding: "utf8", ...options });
}

// --- the sites -----------------------------------------------------------------------------
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const sites = path.join(outDir, "sites");
const merged = path.join(outDir, "merged-catalog");
const run = (args) => execFileSync(bin, args, { stdio: ["ignore", "inherit", "inherit"] });
run(["merge", muenster, fixture, "--out", merged]);
for (const [name, catalog] of [["ms", muenster], ["fx", fixture], ["merged", merged]]) {
  run(["export", catalog, "--format", "html", "--out", path.join(sites, name), "--today", TODAY]);
}
run(["export", muenster, "--format", "json", "--public-only", "--out", path.join(outDir, "json"), "--today", TODAY]);

// The expected result, from the JSON export.
const projects = JSON.parse(readFileSync(path.join(outDir, "json", "projects.json"), "utf8"));
const wantsHelp = (p, kind) =>
  (p.needs || []).some((n) => n.kind === kind && (n.supported_by || []).length === 0);
const allIds = projects.map((p) => p.id);
const technicalIds = projects.filter((p) => wantsHelp(p, "technical")).map((p) => p.id);
check(projects.length > 0, `the JSON export has ${projects.length} projects`);
check(technicalIds.length > 0 && technicalIds.length < projects.length,
  `some but not all projects want technical help (${technicalIds.join(", ")})`);

// --- a real HTTP server on 127.0.0.1 -------------------------------------------------------
const types = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".wasm": "application/wasm",
  ".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml", ".xml": "application/xml",
};
const server = http.createServer((req, res) => {
  const file = path.join(sites, decodeURIComponent(new URL(req.url, "http://localhost").pathname));
  if (!file.startsWith(sites) || !existsSync(file) || statSync(file).isDirectory()) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
  res.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const url = (site, page) => `${origin}/${site}/${page}`;

const profileDir = mkdtempSync(path.join(tmpdir(), "digifarm-chromium-"));
const downloads = mkdtempSync(path.join(tmpdir(), "digifarm-downloads-"));
const context = await chromium.launchPersistentContext(profileDir, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  acceptDownloads: true,
  downloadsPath: downloads,
  viewport: { width: 1280, height: 900 },
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const external = [];
const errors = [];
try {
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith(origin + "/") || u.startsWith("blob:") || u.startsWith("data:")) {
      return route.continue();
    }
    external.push(u);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") { errors.push(`${page.url()}: ${m.text()}`); } });

  // --- the index: listing, filters, search ---------------------------------------------
  await page.goto(url("ms", "index.html"));
  check((await page.getAttribute("html", "lang")) === "de", "index is German");
  const listed = await page.locator("#projects > li").evaluateAll((els) => els.map((e) => e.dataset.id));
  check(sameSet(listed, allIds), `index lists all ${allIds.length} projects`);
  for (const p of projects) {
    const visible = await page.getByRole("link", { name: p.name, exact: true }).first().isVisible();
    check(visible, `index shows a link to "${p.name}"`);
  }
  await page.getByRole("checkbox", { name: "Technische Hilfe gesucht" }).click();
  let shown = await page.locator("#projects > li:visible").evaluateAll((els) => els.map((e) => e.dataset.id));
  check(sameSet(shown, technicalIds),
    `"Technische Hilfe gesucht" shows exactly [${technicalIds.sort().join(", ")}], got [${shown.sort().join(", ")}]`);
  const count = await page.locator("#count").textContent();
  check(count.startsWith(`${technicalIds.length} von ${projects.length}`), `the live count says "${count}"`);
  await page.getByRole("button", { name: "Filter zurücksetzen" }).click();
  await page.waitForFunction((n) => document.querySelectorAll("#projects > li:not([hidden])").length === n, allIds.length);
  check(true, "reset shows every project again");
  const first = projects[0];
  await page.getByLabel("Suche").fill(first.name.toLowerCase());
  const found = await page.locator("#projects > li:visible").evaluateAll((els) => els.map((e) => e.dataset.id));
  check(found.includes(first.id), `searching "${first.name}" finds it`);

  // --- a profile, reached by clicking; the English edition; embed ------------------------
  await page.goto(url("ms", "index.html"));
  const target = projects.find((p) => technicalIds.includes(p.id)) || first;
  await page.getByRole("link", { name: target.name, exact: true }).first().click();
  await page.waitForURL(`**/projects/${target.id}.html`);
  check((await page.locator("h1").textContent()).trim() === target.name, `profile of "${target.name}" opens`);
  const kinds = await page.locator(".support-box").evaluateAll((els) => els.map((e) => e.dataset.kind));
  check(["content", "technical", "financial"].every((k) => kinds.includes(k)), `the profile has the three support boxes (${kinds.join(", ")})`);
  const techBox = page.locator('.support-box[data-kind="technical"]');
  check((await techBox.textContent()).includes("Technische Hilfe gesucht"), "its technical box says help is wanted");
  const helpHref = await techBox.getByRole("link", { name: /Ich möchte helfen/ }).getAttribute("href");
  check(helpHref === "https://www.stadt-muenster.de/digifarm", `"Ich möchte helfen" opens the programme's page (${helpHref})`);
  check(await page.locator("#license .verdict").isVisible(), "the licence verdict is shown");
  await page.getByRole("link", { name: "English" }).click();
  check((await page.getAttribute("html", "lang")) === "en", "the English profile has lang=en");
  await page.goto(url("ms", "en/index.html"));
  await page.getByRole("checkbox", { name: "Technical help wanted" }).click();
  const shownEn = await page.locator("#projects > li:visible").evaluateAll((els) => els.map((e) => e.dataset.id));
  check(sameSet(shownEn, technicalIds), "the English filter \"Technical help wanted\" agrees");
  await page.goto(`${url("ms", "embed.html")}?help=technical`);
  check((await page.locator("header.site").count()) === 0, "embed.html has no page header");
  const shownEmbed = await page.locator("#projects > li:visible").evaluateAll((els) => els.map((e) => e.dataset.id));
  check(sameSet(shownEmbed, technicalIds), "embed.html?help=technical presets the filter");
  check((await page.locator("footer a", { hasText: "Impressum" }).count()) === 1, "embed.html carries the legal links");

  // --- "Ich möchte helfen" as an e-mail to the programme ---------------------------------
  await page.goto(url("fx", "projects/giess-den-kiez.html"));
  const mailto = await page.locator('.support-box[data-kind="technical"] a.button').getAttribute("href");
  const mail = new URL(mailto);
  const subject = decodeURIComponent(mail.searchParams.get("subject") || "");
  const body = decodeURIComponent(mail.searchParams.get("body") || "");
  check(mail.protocol === "mailto:" && mail.pathname === "digitales@musterstadt.example.org", `the help route is an e-mail to the programme (${mail.pathname})`);
  check(subject === "Ich möchte helfen: Gieß den Kiez (Technik)", `its subject names project and need: "${subject}"`);
  check(body.includes("„Gieß den Kiez“") && body.includes("Jemand, der"), "its body names the project and the need");
  const img = page.locator("figure img");
  check((await img.getAttribute("width")) === "500" && (await img.getAttribute("height")) === "350", "the profile image is 500 × 350");
  check(await img.evaluate((el) => el.complete && el.naturalWidth === 500), "the image loads from the site");
  check((await page.locator("header .brand img").evaluate((el) => el.naturalWidth > 0)), "the logo loads");
  check(await page.evaluate(() => getComputedStyle(document.querySelector("a.button")).backgroundColor === "rgb(122, 31, 92)"), "the accent colour is the city's");
  check((await page.content()).includes("radweg-melder") === false, "an unadmitted proposal is not published");

  // --- keyboard only: the filters --------------------------------------------------------
  async function focusVisible() {
    return page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) { return false; }
      const s = getComputedStyle(el);
      return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
    });
  }
  async function tabTo(predicate, limit = 80) {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate(predicate)) { return true; }
    }
    return false;
  }
  await page.goto(url("ms", "index.html"));
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement.className === "skip"), "the first Tab focuses the skip link");
  check(await focusVisible(), "focus is visible on the skip link");
  check(await tabTo(() => document.activeElement.id === "q"), "Tab reaches the search field");
  check(await focusVisible(), "focus is visible on the search field");
  await page.keyboard.type(first.name.slice(0, 4));
  check((await page.locator("#projects > li:visible").count()) >= 1, "typing in the search filters");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  check(await tabTo(() => document.activeElement.id === "f-status"), "Tab reaches the status select");
  check(await focusVisible(), "focus is visible on a select");
  await page.keyboard.press("ArrowDown");
  const status = await page.evaluate(() => document.getElementById("f-status").value);
  const statusShown = await page.locator("#projects > li:visible").evaluateAll((els) => els.map((e) => e.dataset.status));
  check(status !== "" && statusShown.length > 0 && statusShown.every((s) => s === status), `the arrow key selects status "${status}" and filters`);
  check(await tabTo(() => document.activeElement.id === "help-technical"), "Tab reaches the technical-help checkbox");
  check(await focusVisible(), "focus is visible on a checkbox");
  await page.keyboard.press("Space");
  check(await page.evaluate(() => document.getElementById("help-technical").checked), "Space ticks it");
  check(await tabTo(() => document.activeElement.type === "reset"), "Tab reaches the reset button");
  check(await focusVisible(), "focus is visible on the reset button");
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll("#projects > li:not([hidden])").length === n, allIds.length);
  check(true, "Enter on reset shows every project again");

  // --- 390 px: the filters behind one button, keyboard included --------------------------
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(url("ms", "index.html"));
  check(!(await page.locator("#f-status").isVisible()), "at 390 px the filters are collapsed");
  check(await tabTo(() => document.activeElement.id === "filter-toggle"), "Tab reaches the filter button");
  await page.keyboard.press("Enter");
  check(await page.locator("#f-status").isVisible(), "Enter opens the filters");
  check((await page.getAttribute("#filter-toggle", "aria-expanded")) === "true", "the button says it is expanded");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `nothing is wider than 390 px (overflow ${overflow}px)`);
  await page.screenshot({ path: path.join(outDir, "index-390.png"), fullPage: true });
  await page.goto(url("ms", `projects/${target.id}.html`));
  await page.screenshot({ path: path.join(outDir, "profile-390.png"), fullPage: true });
  await page.goto(url("ms", "propose.html"));
  await page.screenshot({ path: path.join(outDir, "propose-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // --- axe-core: zero violations -------------------------------------------------------------
  async function axe(where) {
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    const v = result.violations.map((x) => `${x.id} (${x.nodes.length}: ${x.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ")})`);
    check(v.length === 0, `axe: no violation on ${where}${v.length ? ": " + v.join("; ") : ""}`);
  }
  for (const [width, height] of [[390, 844], [1280, 900]]) {
    await page.setViewportSize({ width, height });
    for (const site of ["ms", "fx"]) {
      for (const lang of ["", "en/"]) {
        const profile = site === "ms" ? target.id : "giess-den-kiez";
        for (const p of ["index.html", `projects/${profile}.html`, "embed.html", "propose.html"]) {
          await page.goto(url(site, lang + p));
          if (p === "propose.html") {
            await page.waitForSelector("#propose[data-ready]");
          }
          await axe(`${site}/${lang}${p} at ${width} px`);
        }
        // The form with its findings shown.
        await page.goto(url(site, lang + "propose.html"));
        await page.waitForSelector("#propose[data-ready]");
        await page.locator("#propose button[type=submit]").click();
        await page.waitForSelector("#summary:not([hidden])");
        await axe(`${site}/${lang}propose.html with findings at ${width} px`);
      }
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  // --- the proposal form: the CLI's message, then keyboard only, then the round trip -------
  await page.goto(url("ms", "propose.html"));
  await page.waitForSelector("#propose[data-ready]");
  await page.locator("#f-project-license").fill("SSPL-1.0");
  await page.locator("#f-project-license").blur();
  const licenceError = page.locator("#e-project-license");
  await licenceError.waitFor({ state: "visible" });
  const shownLicence = await licenceError.textContent();
  const probe = path.join(outDir, "probe.yaml");
  writeFileSync(probe, readFileSync(path.join(root, "examples", "proposals", "lastenrad-muenster.yaml"), "utf8").replace("AGPL-3.0-or-later", "SSPL-1.0"));
  const cli = JSON.parse(digifarm(["propose", muenster, "--from", probe, "--format", "json", "--today", TODAY]).stdout);
  const cliLicence = cli.diagnostics.find((d) => d.code === "license-not-allowed");
  check(cliLicence && shownLicence.includes(`license-not-allowed: ${cliLicence.message}`),
    `the form shows the CLI's own finding: "${cliLicence && cliLicence.message}" in "${shownLicence}"`);
  check((await page.getAttribute("#f-project-license", "aria-invalid")) === "true", "the licence field is marked invalid");

  // Keyboard only: Tab from the top of the form, type, choose, tick, add a need, submit.
  await page.goto(url("ms", "propose.html"));
  await page.waitForSelector("#propose[data-ready]");
  const answers = {
    "f-project-name": "Lastenrad Münster",
    "f-project-id": "lastenrad-muenster",
    "f-project-summary": "Freie Lastenräder in Münster finden und ausleihen.",
    "f-project-license": "AGPL-3.0-or-later",
    "f-project-links-source": "https://git.example.org/lastenrad-muenster",
    "f-project-technologies": "Python, Django",
    "f-project-origin-city": "Münster",
    "f-proposer-name": "Erika Mustermann",
  };
  const selects = { "f-project-status": "live", "f-project-complexity": "medium" };
  const boxes = ["f-project-categories-3", "f-attestations-digital", "f-attestations-runs", "f-attestations-gdpr", "f-attestations-lawful"];
  let invisibleFocus = [];
  let steps = 0;
  const done = new Set();
  let addedNeed = false;
  while (steps < 200) {
    steps += 1;
    await page.keyboard.press("Tab");
    const id = await page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.getAttribute("data-add") || document.activeElement.textContent.trim()));
    if (!(await focusVisible())) { invisibleFocus.push(id); }
    if (answers[id] !== undefined && !done.has(id)) {
      await page.keyboard.type(answers[id]);
      done.add(id);
    } else if (selects[id] && !done.has(id)) {
      // Type-ahead on a focused select, as a keyboard user does.
      for (let i = 0; i < 8 && (await page.evaluate((x) => document.getElementById(x).value, id)) !== selects[id]; i++) {
        await page.keyboard.press("ArrowDown");
      }
      done.add(id);
    } else if (boxes.includes(id) && !done.has(id)) {
      await page.keyboard.press("Space");
      done.add(id);
    } else if (id === "project/needs" && !addedNeed) {
      await page.keyboard.press("Enter");
      addedNeed = true;
      // Focus moves into the new need: its kind.
      const kindId = await page.evaluate(() => document.activeElement.id);
      for (let i = 0; i < 8 && (await page.evaluate((x) => document.getElementById(x).value, kindId)) !== "technical"; i++) {
        await page.keyboard.press("ArrowDown");
      }
      await page.keyboard.press("Tab");
      await page.keyboard.type("Betrieb der Instanz für Münster.");
    } else if (await page.evaluate(() => document.activeElement.type === "submit")) {
      break;
    }
  }
  check(invisibleFocus.length === 0, `focus was visible on every stop of the form${invisibleFocus.length ? ": " + invisibleFocus.join(", ") : ""}`);
  check(done.size === Object.keys(answers).length + Object.keys(selects).length + boxes.length && addedNeed,
    `every field was reached with Tab (${done.size} answers, need added: ${addedNeed})`);
  await page.keyboard.press("Enter");
  await page.locator("#result").waitFor({ state: "visible" });
  check(await page.evaluate(() => document.activeElement.id === "result-h"), "Enter on the submit button checks the proposal and moves focus to the result");
  const yamlShown = await page.locator("#yaml").textContent();
  check(yamlShown.includes("id: lastenrad-muenster") && yamlShown.includes("kind: technical"), "the proposal YAML is shown");
  const mailHref = await page.locator("#mail").count();
  check(mailHref === 0, "no e-mail route where the programme has no e-mail contact");
  await page.screenshot({ path: path.join(outDir, "propose-filled.png"), fullPage: true });
  if (docs) {
    await page.locator("main").screenshot({ path: path.join(root, "docs", "portal-propose.png") });
  }
  // Download with the keyboard: Tab to the link, Enter.
  await page.locator("#result-h").focus();
  check(await tabTo(() => document.activeElement.id === "download", 5), "Tab reaches the download link");
  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  const yamlFile = path.join(outDir, download.suggestedFilename());
  await download.saveAs(yamlFile);
  check(download.suggestedFilename() === "lastenrad-muenster.yaml", `the download is named ${download.suggestedFilename()}`);
  check(readFileSync(yamlFile, "utf8") === yamlShown, "the downloaded file is the YAML shown");
  // The round trip through the CLI.
  const city = path.join(outDir, "my-city");
  cpSync(muenster, city, { recursive: true });
  const proposed = digifarm(["propose", city, "--from", yamlFile, "--today", TODAY]);
  check(proposed.status === 0, `digifarm propose accepts the file unchanged: ${proposed.stdout.trim()} ${proposed.stderr.trim()}`);
  const pending = digifarm(["review", city, "--pending"]);
  check(pending.status === 0 && pending.stdout.includes("lastenrad-muenster (Lastenrad Münster), proposed since"),
    `digifarm review --pending lists it:\n${pending.stdout}`);

  // The forge and e-mail routes, on the catalog that has both.
  await page.goto(url("fx", "propose.html"));
  await page.waitForSelector("#propose[data-ready]");
  for (const [id, v] of Object.entries({ "f-project-name": "Baumpaten", "f-project-id": "baumpaten", "f-project-summary": "Bäume gießen.", "f-project-license": "MIT", "f-project-links-source": "https://git.example.org/baumpaten", "f-project-origin-city": "Musterstadt", "f-proposer-name": "Max" })) {
    await page.locator("#" + id).fill(v);
  }
  await page.locator("#f-project-status").selectOption("idea");
  for (const c of ["digital", "runs", "gdpr", "lawful"]) { await page.locator(`#f-attestations-${c}`).check(); }
  await page.locator("#propose button[type=submit]").click();
  await page.locator("#result").waitFor({ state: "visible" });
  const forgeHref = new URL(await page.getAttribute("#forge", "href"));
  check(forgeHref.origin + forgeHref.pathname === "https://git.example.org/musterstadt/katalog/new/main/proposals" &&
    forgeHref.searchParams.get("filename") === "baumpaten.yaml" && forgeHref.searchParams.get("value").includes("id: baumpaten"),
    "the forge link opens a pre-filled new file");
  const mailHref2 = new URL(await page.getAttribute("#mail", "href"));
  check(mailHref2.protocol === "mailto:" && decodeURIComponent(mailHref2.search).includes("id: baumpaten"), "the e-mail route carries the YAML");

  // --- the form's parts a visitor can break ---------------------------------------------
  // Without JavaScript the form sends nothing: no control has a name.
  await page.goto(url("ms", "propose.html"));
  await page.waitForSelector("#propose[data-ready]");
  check((await page.locator("#propose [name]").count()) === 0, "no form control has a name (a GET without JavaScript sends no answers)");
  check((await page.getAttribute("#f-project-links-source", "aria-required")) === "true", "the source repository, required by the city's admission rules, is marked required");
  // Two added needs: ids unique, and a finding of the second need shown at its own field.
  await page.locator('[data-add="project/needs"]').click();
  await page.locator('[data-add="project/needs"]').click();
  const ids = await page.evaluate(() => [...document.querySelectorAll("[id]")].map((e) => e.id));
  const doubled = ids.filter((id, i) => ids.indexOf(id) !== i);
  check(doubled.length === 0, `every id on the page is unique after adding two needs${doubled.length ? ": " + doubled.join(", ") : ""}`);
  const second = page.locator('[data-list="project/needs"] > [data-item]').nth(1);
  const hours = second.locator('[data-path="project/needs/__i__/hours_per_month"]');
  await hours.fill("viel");
  await page.locator("#propose button[type=submit]").click();
  const secondError = second.locator('[data-error-for="project/needs/__i__/hours_per_month"]');
  check(await secondError.isVisible(), "the second need's error is shown at its own field");
  check((await hours.getAttribute("aria-invalid")) === "true", "the second need's field is marked invalid");
  const firstHours = page.locator('[data-list="project/needs"] > [data-item]').nth(0).locator('[data-path="project/needs/__i__/hours_per_month"]');
  check((await firstHours.getAttribute("aria-invalid")) !== "true", "the first need's field is not marked for the second's error");
  const described = await hours.getAttribute("aria-describedby");
  check(described && (await second.locator("#" + described.split(" ").pop()).count()) === 1, "the second need's field is described by its own error");
  // A submit before propose.wasm has arrived is announced, then checked once it has.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route("**/propose.wasm", async (route) => { await held; await route.continue(); });
  await page.goto(url("ms", "propose.html"));
  await page.locator("#propose button[type=submit]").click();
  const loading = await page.locator("#status").textContent();
  check(loading.includes("wird geladen"), `an early submit is announced: "${loading}"`);
  release();
  await page.waitForSelector("#propose[data-ready]");
  await page.locator("#summary").waitFor({ state: "visible" });
  check(await page.evaluate(() => document.activeElement.id === "summary"), "once loaded, the early submit is checked and focus moves to the summary");
  await page.unroute("**/propose.wasm");

  // --- every local link resolves, single and merged ---------------------------------------
  async function linksOf(site) {
    const pages = [];
    (function walk(dir) {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) { walk(p); } else if (p.endsWith(".html")) { pages.push(path.relative(path.join(sites, site), p)); }
      }
    })(path.join(sites, site));
    let checked = 0;
    const broken = [];
    for (const p of pages) {
      await page.goto(url(site, p.split(path.sep).join("/")));
      const targets = await page.evaluate(() => [...document.querySelectorAll("[href], [src]")]
        .map((el) => el.href || el.src).filter((u) => typeof u === "string"));
      for (const t of targets) {
        if (!t.startsWith(origin + "/")) { continue; }
        const u = new URL(t);
        const file = path.join(sites, decodeURIComponent(u.pathname));
        checked += 1;
        if (!file.startsWith(path.join(sites, site)) || !existsSync(file) || statSync(file).isDirectory()) {
          broken.push(`${p}: ${u.pathname}`);
        }
      }
    }
    return { pages: pages.length, checked, broken };
  }
  for (const site of ["ms", "fx", "merged"]) {
    const { pages, checked, broken } = await linksOf(site);
    check(checked > 0 && broken.length === 0,
      `${site}: all ${checked} local links of ${pages} pages resolve${broken.length ? "; broken: " + broken.slice(0, 10).join(", ") : ""}`);
  }

  // --- screenshots at 1280 px ---------------------------------------------------------------
  for (const [name, p] of [["index", "index.html"], ["profile", `projects/${target.id}.html`]]) {
    await page.goto(url("ms", p));
    await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: name !== "index" });
    if (docs) {
      await page.screenshot({ path: path.join(root, "docs", `portal-${name}.png`), fullPage: name !== "index" });
    }
  }
  await page.goto(url("fx", "projects/giess-den-kiez.html"));
  await page.screenshot({ path: path.join(outDir, "profile-with-image.png"), fullPage: true });
  if (docs) {
    await page.screenshot({ path: path.join(root, "docs", "portal-profile-image.png"), fullPage: false });
  }

  check(external.length === 0, `no request left the local server${external.length ? ": " + external.join(", ") : ""}`);
  check(errors.length === 0, `no script errors${errors.length ? ": " + errors.join("; ") : ""}`);
} finally {
  await context.close();
  server.close();
  rmSync(profileDir, { recursive: true, force: true });
  rmSync(downloads, { recursive: true, force: true });
}

console.log(failures === 0 ? "browser test passed" : `browser test FAILED: ${failures} check(s)`);
process.exit(failures === 0 ? 0 : 1);
