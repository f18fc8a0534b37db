/**
 * Replaces `target[name]` by `wrap(original)`. The returned function puts the
 * original back, but only while the wrapper is still in place: when someone
 * wrapped over it, unwrapping would drop their wrapper too, so it stays (the
 * caller makes it pass through) and `false` is returned.
 */
export function wrapMethod<T extends object, K extends keyof T>(
  target: T,
  name: K,
  wrap: (original: T[K]) => T[K],
): () => boolean {
  const hadOwn = Object.prototype.hasOwnProperty.call(target, name);
  const original = target[name];
  const wrapper = wrap(original);
  target[name] = wrapper;
  return () => {
    if (target[name] !== wrapper) return false;
    if (hadOwn) target[name] = original;
    else delete target[name];
    return true;
  };
}
