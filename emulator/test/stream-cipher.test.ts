// Unit tests of the ciphertext format (crypto/stream-cipher.ts) and of key wrapping/passwords:
// chunk-boundary independence, and refusal of tampered, reordered, truncated, extended and
// foreign ciphertext.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  CiphertextError,
  FRAME_PLAINTEXT_MAX,
  StreamDecryptor,
  StreamEncryptor,
  ciphertextLength,
} from "../src/crypto/stream-cipher";
import { KeyRing, parseMasterKey } from "../src/crypto/keys";
import { hashPassword, verifyPassword } from "../src/passwords";

function encryptAll(key: Buffer, docId: string, messages: Buffer[]): { ct: Buffer; frames: number; perMessage: Buffer[] } {
  const enc = new StreamEncryptor(key, docId);
  const perMessage = messages.map((m) => enc.push(m));
  return { ct: Buffer.concat(perMessage), frames: enc.frames, perMessage };
}

function decryptAll(key: Buffer, docId: string, frames: number, ct: Buffer, split: number): Buffer {
  const dec = new StreamDecryptor(key, docId, frames);
  const out: Buffer[] = [];
  for (let off = 0; off < ct.length; off += split) out.push(dec.push(ct.subarray(off, off + split)));
  dec.finish();
  return Buffer.concat(out);
}

test("round trip is independent of how the ciphertext is re-chunked", () => {
  const key = randomBytes(32);
  const plain = randomBytes(3 * FRAME_PLAINTEXT_MAX + 12345);
  const { ct, frames } = encryptAll(key, "doc-1", [plain.subarray(0, 100_000), plain.subarray(100_000)]);
  for (const split of [1, 7, 4096, 65_536 + 20, 1_000_000, ct.length]) {
    assert.deepEqual(decryptAll(key, "doc-1", frames, ct, split), plain, `split ${split}`);
  }
});

test("each plaintext message yields all of its ciphertext at once", () => {
  const key = randomBytes(32);
  const msgs = [Buffer.from("a"), Buffer.alloc(0), randomBytes(FRAME_PLAINTEXT_MAX * 2 + 1)];
  const { perMessage } = encryptAll(key, "d", msgs);
  assert.equal(perMessage[0]!.length, ciphertextLength(1));
  assert.equal(perMessage[1]!.length, 0);
  assert.equal(perMessage[2]!.length, ciphertextLength(FRAME_PLAINTEXT_MAX * 2 + 1));
  // A decryptor fed exactly one message's ciphertext returns exactly that message.
  const dec = new StreamDecryptor(key, "d", 4);
  assert.deepEqual(dec.push(perMessage[0]!), msgs[0]);
  assert.deepEqual(dec.push(perMessage[2]!), msgs[2]);
  dec.finish();
});

test("a flipped bit anywhere is refused, never decrypted", () => {
  const key = randomBytes(32);
  const { ct, frames } = encryptAll(key, "doc", [Buffer.from("the quick brown fox jumps over the lazy dog")]);
  for (const pos of [0, 3, 4, 10, ct.length - 1]) {
    const bad = Buffer.from(ct);
    bad[pos]! ^= 0x01;
    assert.throws(() => decryptAll(key, "doc", frames, bad, ct.length), CiphertextError, `pos ${pos}`);
  }
});

test("ciphertext of another document, or reordered frames, is refused", () => {
  const key = randomBytes(32);
  const a = encryptAll(key, "doc-a", [randomBytes(FRAME_PLAINTEXT_MAX * 2)]);
  // Same key, other docID: the AAD binds the docID.
  assert.throws(() => decryptAll(key, "doc-b", a.frames, a.ct, a.ct.length), /failed authentication/);
  // Other key.
  assert.throws(() => decryptAll(randomBytes(32), "doc-a", a.frames, a.ct, a.ct.length), /failed authentication/);
  // Swap the two frames.
  const frameLen = a.ct.length / 2;
  const swapped = Buffer.concat([a.ct.subarray(frameLen), a.ct.subarray(0, frameLen)]);
  assert.throws(() => decryptAll(key, "doc-a", a.frames, swapped, swapped.length), /failed authentication/);
});

test("truncation (at or inside a frame) and extension are refused", () => {
  const key = randomBytes(32);
  const { ct, frames } = encryptAll(key, "doc", [randomBytes(FRAME_PLAINTEXT_MAX + 10)]);
  assert.equal(frames, 2);
  const firstFrame = ciphertextLength(FRAME_PLAINTEXT_MAX);
  assert.throws(() => decryptAll(key, "doc", frames, ct.subarray(0, firstFrame), 1000), /truncated — ended after 1 of 2 frames/);
  assert.throws(() => decryptAll(key, "doc", frames, ct.subarray(0, ct.length - 1), 1000), /incomplete frame/);
  assert.throws(() => decryptAll(key, "doc", frames, Buffer.alloc(0), 1000), /truncated/);
  assert.throws(() => decryptAll(key, "doc", frames, Buffer.concat([ct, ct.subarray(0, firstFrame)]), 1000), /extra data/);
  assert.throws(() => decryptAll(key, "doc", frames, Buffer.from("not a ciphertext at all"), 1000), /malformed frame header/);
});

test("key wrapping is bound to the org and the document", () => {
  const ring = new KeyRing(randomBytes(32));
  const wrappedOrg = ring.newWrappedOrgKey("acme");
  const orgKey = ring.orgKey("acme", wrappedOrg);
  assert.throws(() => new KeyRing(randomBytes(32)).orgKey("acme", wrappedOrg));
  assert.throws(() => new KeyRing(randomBytes(32)).orgKey("other", wrappedOrg));
  const { key, wrapped } = ring.newDocumentKey(orgKey, "doc-1");
  assert.deepEqual(ring.documentKey(orgKey, "doc-1", wrapped), key);
  assert.throws(() => ring.documentKey(orgKey, "doc-2", wrapped));
  assert.deepEqual(parseMasterKey("ab".repeat(32)), Buffer.alloc(32, 0xab));
  assert.throws(() => parseMasterKey("too short"));
});

test("password hashes verify only the right password and carry their cost", async () => {
  const h = await hashPassword("s3cret", { N: 1024, r: 8, p: 1 });
  assert.match(h, /^scrypt\$1024\$8\$1\$/);
  assert.equal(await verifyPassword("s3cret", h), true);
  assert.equal(await verifyPassword("s3cret ", h), false);
  assert.equal(await verifyPassword("s3cret", "garbage"), false);
});
