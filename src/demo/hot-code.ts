/**
 * The demo service's hot functions. Each endpoint has its own, with a name a
 * reader can find in the flame graph.
 */

/** /checkout: tax per line item, floating point heavy. */
export function computeTax(items: number, rounds: number): number {
  let total = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 1; i <= items; i++) total += Math.round(i * 19.99 * 1.0825 * 100) / 100;
  }
  return total;
}

/** /checkout child span: string building. */
export function renderInvoice(lines: number): string {
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) parts.push(`<tr><td>item ${i}</td><td>${(i * 3.5).toFixed(2)}</td></tr>`);
  return parts.join('').toUpperCase();
}

/** /search: scoring and sorting documents. */
export function rankResults(docs: number, query: string): number {
  const scored: { id: number; score: number }[] = [];
  for (let i = 0; i < docs; i++) {
    const text = `document ${i} about ${i % 7 === 0 ? query : 'other things'} and more`;
    let score = 0;
    for (let j = 0; j < text.length; j++) score = (score * 31 + text.charCodeAt(j)) | 0;
    scored.push({ id: i, score: text.includes(query) ? score : -score });
  }
  scored.sort((a, b) => b.score - a.score);
  return scored[0]?.id ?? -1;
}

/** /image: a box blur over a synthetic bitmap. */
export function resizeImage(width: number, height: number): number {
  const src = new Float64Array(width * height);
  for (let i = 0; i < src.length; i++) src[i] = (i * 2654435761) % 255;
  const dst = new Float64Array((width / 2) * (height / 2));
  for (let y = 0; y < height / 2; y++) {
    for (let x = 0; x < width / 2; x++) {
      const s = 2 * y * width + 2 * x;
      dst[y * (width / 2) + x] = (src[s] + src[s + 1] + src[s + width] + src[s + width + 1]) / 4;
    }
  }
  return dst[dst.length >> 1];
}

/** /login: an iterated hash written in JavaScript so it shows as JS frames. */
export function hashPassword(password: string, iterations: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < password.length; j++) {
      h ^= password.charCodeAt(j) + i;
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}
