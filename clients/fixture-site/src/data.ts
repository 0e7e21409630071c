/**
 * The fixture site's content: a product catalogue generated deterministically from a seed, so that the
 * same seed always gives the same pages and the same ground-truth records on every machine.
 * @module
 */
import { createHash } from "node:crypto";

/** One product as shown on a list page; `price` is absent for some products (a field that extracts to null). */
export interface Product {
  /** Stable id, used in the detail link `/products/item/<id>`. */
  id: string;
  /** Display title, already in normalised form (single spaces, trimmed, entities decoded). */
  title: string;
  /** Price text such as `$12.34`, or null when the page shows no price for the product. */
  price: string | null;
  /** Path of the product's detail page (relative link in the HTML). */
  path: string;
}

/** One list page of the catalogue (`/products/page/<n>`, n from 1). */
export interface CataloguePage {
  n: number;
  path: string;
  products: Product[];
}

export interface Catalogue {
  seed: string;
  pages: CataloguePage[];
}

/** A small PRNG (xorshift128+ seeded from SHA-256 of the seed): deterministic, not cryptographic. */
export function prng(seed: string): () => number {
  const h = createHash("sha256").update(seed).digest();
  let s0 = h.readBigUInt64LE(0) | 1n;
  let s1 = h.readBigUInt64LE(8) | 1n;
  const mask = (1n << 64n) - 1n;
  return () => {
    let x = s0;
    const y = s1;
    s0 = y;
    x ^= (x << 23n) & mask;
    s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return Number(((s1 + y) & mask) >> 11n) / 2 ** 53;
  };
}

const ADJECTIVES = ["Blue", "Sturdy", "Compact", "Quiet", "Bright", "Vintage", "Smart", "Rugged", "Tiny", "Deluxe", "Solar", "Silent"];
const NOUNS = ["Widget", "Lamp", "Kettle", "Router", "Backpack", "Notebook", "Speaker", "Drill", "Mug", "Tent", "Antenna", "Cable"];
const MAKERS = ["Acme", "Bolt & Co", "Nordwind", "Café Olé", "Zenith", "O'Brien \"Pro\""];

/** Generates the catalogue: `pages` list pages with `perPage` products each. */
export function generateCatalogue(seed: string, pages: number, perPage: number): Catalogue {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: CataloguePage[] = [];
  let id = 0;
  for (let n = 1; n <= pages; n++) {
    const products: Product[] = [];
    for (let i = 0; i < perPage; i++) {
      id++;
      const pid = `p${String(id).padStart(4, "0")}`;
      const title = `${pick(ADJECTIVES)} ${pick(NOUNS)} by ${pick(MAKERS)}`;
      const cents = 199 + Math.floor(rnd() * 99800);
      const price = rnd() < 0.1 ? null : `$${(cents / 100).toFixed(2)}`;
      products.push({ id: pid, title, price, path: `/products/item/${pid}` });
    }
    out.push({ n, path: `/products/page/${n}`, products });
  }
  return { seed, pages: out };
}

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** HTML-escapes text and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}

/**
 * Renders a list page. The markup is deliberately untidy (newlines and runs of spaces inside titles, a
 * nested element, entities, relative links, a decoy `.price` outside any item) so that extraction has
 * to normalise to reach the ground truth.
 */
export function renderListPage(page: CataloguePage, total: number): string {
  const items = page.products
    .map((p) => {
      const [first, ...rest] = p.title.split(" ");
      const title = `\n      <span class="adj">${esc(first!)}</span>\n      ${esc(rest.join(" ")).replace(/ /g, "   ")}\n    `;
      const price = p.price === null ? `<span class="sold-out">sold out</span>` : `<span class="price"> ${esc(p.price)} </span>`;
      return `  <li class="product" data-id="${p.id}">\n    <h2 class="title">${title}</h2>\n    ${price}\n    <a class="details" href="${p.path}">details</a>\n  </li>`;
    })
    .join("\n");
  const prev = page.n > 1 ? `<a rel="prev" href="/products/page/${page.n - 1}">previous</a>` : "";
  const next = page.n < total ? `<a rel="next" href="/products/page/${page.n + 1}">next</a>` : "";
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Catalogue — page ${page.n}</title></head>
<body>
<header><span class="price">$0.00 decoy outside items</span></header>
<h1>Products, page ${page.n} of ${total}</h1>
<ul class="products">
${items}
</ul>
<nav>${prev} ${next}</nav>
</body>
</html>
`;
}

/** Renders a product's detail page. */
export function renderDetailPage(p: Product): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(p.title)}</title></head>
<body><article class="product" data-id="${p.id}"><h1 class="title">${esc(p.title)}</h1>
<p class="price">${p.price === null ? "sold out" : esc(p.price)}</p><a class="back" href="../page/1">back</a></article></body></html>
`;
}
