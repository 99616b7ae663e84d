/**
 * Streaming SHA-1 (FIPS 180-4) in plain TypeScript.
 *
 * Why not WebCrypto's `crypto.subtle.digest('SHA-1')`: it hashes one whole buffer. A resumed
 * download has its first part on disk (or in browser storage) and the rest arriving from the
 * network; with an incremental hash we feed the stored prefix and then each network chunk as it
 * comes, never holding a 48 MB recording in memory twice. Speed is a few hundred MB/s in V8,
 * well above a PhysioNet download.
 */
export class Sha1 {
  private h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  private block = new Uint8Array(64);
  private blockLength = 0;
  private totalBytes = 0;
  private w = new Uint32Array(80);
  private finished = false;

  update(data: Uint8Array): this {
    if (this.finished) throw new Error('Sha1.update after digest');
    this.totalBytes += data.length;
    let offset = 0;
    if (this.blockLength > 0) {
      const take = Math.min(64 - this.blockLength, data.length);
      this.block.set(data.subarray(0, take), this.blockLength);
      this.blockLength += take;
      offset = take;
      if (this.blockLength < 64) return this;
      this.compress(this.block, 0);
      this.blockLength = 0;
    }
    for (; offset + 64 <= data.length; offset += 64) this.compress(data, offset);
    if (offset < data.length) {
      this.block.set(data.subarray(offset), 0);
      this.blockLength = data.length - offset;
    }
    return this;
  }

  /** Lower-case hex digest; the hash cannot be updated afterwards. */
  hexDigest(): string {
    if (!this.finished) {
      const bitsHigh = Math.floor(this.totalBytes / 0x20000000);
      const bitsLow = (this.totalBytes * 8) >>> 0;
      const pad = new Uint8Array(((this.blockLength + 8) >> 6) * 64 + 64 - this.blockLength);
      pad[0] = 0x80;
      const n = pad.length;
      pad[n - 8] = bitsHigh >>> 24;
      pad[n - 7] = bitsHigh >>> 16;
      pad[n - 6] = bitsHigh >>> 8;
      pad[n - 5] = bitsHigh;
      pad[n - 4] = bitsLow >>> 24;
      pad[n - 3] = bitsLow >>> 16;
      pad[n - 2] = bitsLow >>> 8;
      pad[n - 1] = bitsLow;
      this.update(pad);
      this.finished = true;
    }
    let hex = '';
    for (const word of this.h) hex += word.toString(16).padStart(8, '0');
    return hex;
  }

  private compress(bytes: Uint8Array, offset: number): void {
    const w = this.w;
    for (let i = 0; i < 16; i++) {
      const j = offset + 4 * i;
      w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = this.h[0];
    let b = this.h[1];
    let c = this.h[2];
    let d = this.h[3];
    let e = this.h[4];
    for (let i = 0; i < 80; i++) {
      let f: number;
      let k: number;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    this.h[0] += a;
    this.h[1] += b;
    this.h[2] += c;
    this.h[3] += d;
    this.h[4] += e;
  }
}

export function sha1Hex(data: Uint8Array): string {
  return new Sha1().update(data).hexDigest();
}
