// An in-memory store: for tests, benchmarks and throwaway stores. Every method copies bytes
// in and out, so no caller can change a stored object through an array it holds.

import { checkName, checkRange } from './contract.js';

export class MemoryAdapter {
  #state;

  // `manifest` is undefined or { bytes, version }, the version a number counted from 1.
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
    return manifest && { bytes: new Uint8Array(manifest.bytes), version: String(manifest.version) };
  }

  async swapManifest(expected, next) {
    const current = this.#state.manifest;
    if ((current && String(current.version)) !== (expected ?? undefined)) return undefined;
    const version = (current?.version ?? 0) + 1;
    this.#state.manifest = { bytes: new Uint8Array(next), version };
    return String(version);
  }
}
