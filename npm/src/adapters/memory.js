// An in-memory store: for tests, benchmarks and throwaway stores. Every method copies bytes
// in and out, so no caller can change a stored object through an array it holds.

import { checkName, checkRange, sameBytes } from './contract.js';

export class MemoryAdapter {
  #state;

  constructor(state = { objects: new Map(), manifest: undefined }) {
    this.#state = state;
  }

  /** Another adapter on the same store, as a second process or tab would hold. */
  handle() {
    return new MemoryAdapter(this.#state);
  }

  async get(name) {
    checkName(name);
    const object = this.#state.objects.get(name);
    return object && new Uint8Array(object.bytes);
  }

  async getRange(name, offset, length) {
    checkName(name);
    const object = this.#state.objects.get(name);
    if (!object) return undefined;
    checkRange(name, offset, length, object.bytes.length);
    return object.bytes.slice(offset, offset + length);
  }

  async put(name, bytes) {
    checkName(name);
    this.#state.objects.set(name, { bytes: new Uint8Array(bytes), modifiedMs: Date.now() });
  }

  async list() {
    return [...this.#state.objects].map(([name, { bytes, modifiedMs }]) => ({ name, size: bytes.length, modifiedMs }));
  }

  async delete(name) {
    checkName(name);
    this.#state.objects.delete(name);
  }

  async readManifest() {
    const manifest = this.#state.manifest;
    return manifest && new Uint8Array(manifest);
  }

  async swapManifest(expected, next) {
    if (!sameBytes(this.#state.manifest, expected)) return false;
    this.#state.manifest = new Uint8Array(next);
    return true;
  }
}
