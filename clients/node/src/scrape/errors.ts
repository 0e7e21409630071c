/**
 * Typed scrape refusals and failures. Every page that cannot be scraped yields one {@link ScrapeError}
 * with a stable `code`; the scraper reports it in that page's result and carries on with the others.
 * @module
 */

export const SCRAPE_ERROR_CODES = [
  /** robots.txt of the page's origin disallows the path for our agent (or is 5xx/unreachable). */
  "RobotsDisallowed",
  /** The host resolves to (or is) a private, loopback, link-local, metadata or otherwise non-public address. */
  "ForbiddenAddress",
  /** The host name did not resolve. */
  "DnsFailed",
  /** The body exceeds `maxResponseBytes` (declared Content-Length or counted while streaming). */
  "TooLarge",
  /** The Content-Type is missing or not in the allow-list. */
  "ContentTypeRefused",
  /** The response uses a Content-Encoding we do not accept (we ask for identity only). */
  "EncodingRefused",
  /** More redirects than `maxRedirects`, or a redirect without a Location. */
  "TooManyRedirects",
  /** Not http(s), or credentials in the URL. */
  "SchemeRefused",
  /** Final response status is not 2xx. */
  "HttpStatus",
  /** A request (one hop: connect, headers and body) took longer than `timeoutMs`. */
  "Timeout",
  /** Connection refused or reset, TLS failure and other transport errors. */
  "Network",
  /** The body could not be parsed as the declared content type (e.g. invalid JSON). */
  "ParseFailed",
  /** The spec cannot be applied (e.g. a field named `url`, which the record reserves). */
  "SpecRefused",
  /** The caller's signal aborted the scrape. */
  "Aborted",
] as const;

export type ScrapeErrorCode = (typeof SCRAPE_ERROR_CODES)[number];

/** A refusal or failure for one URL; `url` is the URL being fetched when it happened (a redirect hop included). */
export class ScrapeError extends Error {
  constructor(
    readonly code: ScrapeErrorCode,
    readonly url: string,
    message: string,
    /** HTTP status for `HttpStatus`. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${url}: ${message}`, options);
    this.name = "ScrapeError";
  }
}
