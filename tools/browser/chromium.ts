// Headless Chromium for the browser tests: Debian's `chromium` package driven by playwright-core.
// Never a downloaded browser (install playwright-core with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1): the
// machines that run the suites cannot reach Playwright's CDN, and CI installs the apt package instead.
import { accessSync, constants } from "node:fs";
import { chromium, type Browser, type LaunchOptions } from "playwright-core";

/** The Debian package that provides the browser (it pulls in `chromium-common` and its libraries). */
export const CHROMIUM_APT_PACKAGE = "chromium";

/** Where Debian's package puts the launcher. `LUMORA_CHROMIUM` overrides it (a path to any Chromium). */
export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/** Raised when no Chromium executable is found; the message says how to install it. */
export class ChromiumMissingError extends Error {
  constructor(readonly path: string) {
    super(
      `Chromium not found at ${path}. Install Debian's package: ` +
        `apt-get install -y --no-install-recommends ${CHROMIUM_APT_PACKAGE} ` +
        `(or set LUMORA_CHROMIUM to a Chromium executable). Playwright's own browser download is not used.`,
    );
    this.name = "ChromiumMissingError";
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium executable to launch: `LUMORA_CHROMIUM` when set, otherwise `/usr/bin/chromium`.
 * Returns `null` when it is missing (tests use this to report a clear skip or failure).
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const path = env.LUMORA_CHROMIUM || DEFAULT_CHROMIUM_PATH;
  return isExecutable(path) ? path : null;
}

export interface LaunchChromiumOptions {
  /** Executable to use; defaults to {@link findChromium}. */
  executablePath?: string;
  /** Extra command-line switches, after `--no-sandbox --headless=new`. */
  args?: string[];
  /** Launch timeout in ms (default 60 s: a cold start on a loaded 2-core machine is slow). */
  timeout?: number;
}

/**
 * Launches headless Chromium through playwright-core. `--no-sandbox` because the suites run as root in
 * containers, where Chromium's sandbox cannot start. Throws {@link ChromiumMissingError} when the
 * executable is missing.
 */
export async function launchChromium(opts: LaunchChromiumOptions = {}): Promise<Browser> {
  const executablePath = opts.executablePath ?? findChromium();
  if (executablePath === null || !isExecutable(executablePath)) {
    throw new ChromiumMissingError(executablePath ?? (process.env.LUMORA_CHROMIUM || DEFAULT_CHROMIUM_PATH));
  }
  const launch: LaunchOptions = {
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--headless=new", ...(opts.args ?? [])],
    timeout: opts.timeout ?? 60_000,
  };
  return chromium.launch(launch);
}
