import { describe, expect, it } from 'vitest';
import { buildSeccompFilter, seccompInstructionCount } from './seccomp-bpf.js';
import { DENIED_SYSCALLS } from './syscalls.js';

/** A tiny classic-BPF interpreter for the opcodes the builder emits, to check verdicts without a kernel. */
function verdict(filter: Buffer, data: { nr: number; arch: number; arg0?: number; arg1?: number }): number {
  const word = (off: number): number =>
    off === 0
      ? data.nr
      : off === 4
        ? data.arch
        : off === 16
          ? (data.arg0 ?? 0) >>> 0
          : off === 24
            ? (data.arg1 ?? 0) >>> 0
            : 0;
  let acc = 0;
  for (let pc = 0; pc < filter.length / 8; pc++) {
    const code = filter.readUInt16LE(pc * 8);
    const jt = filter.readUInt8(pc * 8 + 2);
    const jf = filter.readUInt8(pc * 8 + 3);
    const k = filter.readUInt32LE(pc * 8 + 4);
    if (code === 0x20) acc = word(k);
    else if (code === 0x06) return k;
    else if (code === 0x15) pc += acc === k ? jt : jf;
    else if (code === 0x35) pc += acc >= k ? jt : jf;
    else if (code === 0x45) pc += (acc & k) !== 0 ? jt : jf;
    else throw new Error(`unexpected opcode ${code}`);
  }
  throw new Error('fell off the end');
}

const X86 = 0xc000003e;
const ARM = 0xc00000b7;
const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;

describe('seccomp filter', () => {
  const filter = buildSeccompFilter();

  it('fits the kernel limit and always returns', () => {
    expect(seccompInstructionCount(filter)).toBeLessThan(4096);
    expect(verdict(filter, { nr: 0, arch: X86 })).toBe(ALLOW);
  });

  it('denies every listed syscall on both architectures and allows ordinary ones', () => {
    for (const [name, nrs] of Object.entries(DENIED_SYSCALLS)) {
      expect(verdict(filter, { nr: nrs.x86_64, arch: X86 }), name).toBe(EPERM);
      if (nrs.aarch64 !== undefined)
        expect(verdict(filter, { nr: nrs.aarch64, arch: ARM }), name).toBe(EPERM);
    }
    for (const nr of [0, 1, 2, 59, 57, 231]) expect(verdict(filter, { nr, arch: X86 })).toBe(ALLOW);
  });

  it('refuses foreign architectures, x32 and namespace-creating clone', () => {
    expect(verdict(filter, { nr: 1, arch: 0x40000003 })).toBe(EPERM); // i386
    expect(verdict(filter, { nr: 0x40000000 + 1, arch: X86 })).toBe(EPERM);
    expect(verdict(filter, { nr: 56, arch: X86, arg0: 0x10000000 /* CLONE_NEWUSER */ })).toBe(EPERM);
    expect(verdict(filter, { nr: 56, arch: X86, arg0: 0x01200011 /* fork-like */ })).toBe(ALLOW);
    expect(verdict(filter, { nr: 435, arch: X86 })).toBe(0x00050000 | 38); // clone3 -> ENOSYS
  });

  it('denies io_uring on both architectures (it bypasses the per-syscall filter)', () => {
    for (const nr of [425, 426, 427]) {
      expect(verdict(filter, { nr, arch: X86 })).toBe(EPERM);
      expect(verdict(filter, { nr, arch: ARM })).toBe(EPERM);
    }
  });

  it('refuses TIOCSTI and TIOCLINUX ioctls and allows other ioctls', () => {
    for (const [nr, arch] of [
      [16, X86],
      [29, ARM],
    ] as const) {
      expect(verdict(filter, { nr, arch, arg0: 0, arg1: 0x5412 })).toBe(EPERM);
      expect(verdict(filter, { nr, arch, arg0: 0, arg1: 0x541c })).toBe(EPERM);
      expect(verdict(filter, { nr, arch, arg0: 0, arg1: 0x5401 /* TCGETS */ })).toBe(ALLOW);
    }
  });

  it('allows only harmless personality() values', () => {
    expect(verdict(filter, { nr: 135, arch: X86, arg0: 0xffffffff })).toBe(ALLOW);
    expect(verdict(filter, { nr: 135, arch: X86, arg0: 0x0040000 /* ADDR_NO_RANDOMIZE */ })).toBe(EPERM);
  });
});
