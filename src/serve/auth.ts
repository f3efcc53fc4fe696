import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Bearer token check in constant time: both sides are hashed first, so the comparison takes the
 * same time whatever the length or content of what was sent.
 */
export function bearerCheck(token: string): (authorization: string | undefined) => boolean {
  const want = createHash('sha256').update(token, 'utf8').digest();
  return (authorization) => {
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
    const got = createHash('sha256').update(m?.[1] ?? '', 'utf8').digest();
    return timingSafeEqual(got, want) && !!m;
  };
}
