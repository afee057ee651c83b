// Measures the index site in headless Chromium: the bytes the home page transfers when it loads
// (everything it asks for, as the network sends it), and how long the search takes from a
// keystroke to the updated, laid-out results, per keystroke. Prints one JSON line.
// Usage: node index_site_bench.mjs URL CHROMIUM PLAYWRIGHT_DIR QUERY
import { createRequire } from 'node:module';
import path from 'node:path';

const [url, chromiumPath, playwrightDir, query] = process.argv.slice(2);
const require = createRequire(path.join(playwrightDir, 'package.json'));
const { chromium } = require('playwright-core');

const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let transferred = 0;
  const requests = [];
  cdp.on('Network.loadingFinished', (e) => { transferred += e.encodedDataLength; });
  cdp.on('Network.requestWillBeSent', (e) => requests.push(e.request.url));
  await page.goto(url, { waitUntil: 'networkidle' });
  const home = transferred;
  const homeRequests = requests.length;

  // The first focus loads the search data; keystrokes come after it is in.
  await page.focus('#search');
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => document.getElementById('search-status').textContent === '');
  const times = await page.evaluate(async (text) => {
    const box = document.getElementById('search');
    const results = document.getElementById('results');
    const out = [];
    for (let round = 0; round < 3; ++round) {
      for (let i = 1; i <= text.length; ++i) {
        const started = performance.now();
        box.value = text.slice(0, i);
        box.dispatchEvent(new Event('input', { bubbles: true }));
        // The search updates in the next animation frame; this callback runs after its own.
        await new Promise((resolve) => requestAnimationFrame(() => {
          void results.offsetHeight;  // the layout of the new results
          resolve();
        }));
        out.push(performance.now() - started);
      }
      box.value = '';
      box.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    return out;
  }, query);
  const shown = await page.locator('#results li').count();
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({
    homeBytes: home,
    homeRequests,
    keystrokes: times.length,
    medianMs: times[Math.floor(times.length / 2)],
    worstMs: times[times.length - 1],
    p90Ms: times[Math.floor(times.length * 0.9)],
    shown,
    errors,
  }));
} finally {
  await browser.close();
}
