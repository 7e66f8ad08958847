// Open report.html in headless Chromium and report, as one JSON line on stdout:
// whether it rendered, how many images it has and how many loaded, every request that
// left the file, and a screenshot of the first page (A4 proportions) at the given path.
//
// Usage: node check.mjs <chromium> <report.html> <screenshot.png>
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [executablePath, report, screenshot] = process.argv.slice(2);
const url = pathToFileURL(path.resolve(report)).href;
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
});
try {
  // A4 at 96 dpi: 794 x 1123 CSS pixels.
  const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
  const external = [];
  const consoleErrors = [];
  page.on("request", (r) => {
    const u = r.url();
    if (u !== url && !u.startsWith("data:")) external.push(u);
  });
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  // Anything that tries to leave is aborted as well as recorded.
  await page.route((u) => u.href !== url && u.protocol !== "data:", (route) => route.abort());
  await page.goto(url, { waitUntil: "load" });
  const result = await page.evaluate(async () => {
    const images = [...document.images];
    await Promise.all(images.map((img) => (img.decode ? img.decode().catch(() => {}) : null)));
    return {
      title: document.title,
      h1: document.querySelector("h1")?.textContent ?? "",
      height: document.body.scrollHeight,
      images: images.length,
      loaded: images.filter((i) => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0).length,
      figures: document.querySelectorAll("figure").length,
      tables: document.querySelectorAll("table").length,
    };
  });
  await page.screenshot({ path: screenshot });
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  result.pdf_bytes = pdf.length;
  result.external = external;
  result.console_errors = consoleErrors;
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
