import { DENIED_IOCTLS, DENIED_SYSCALLS, FILTERED_SYSCALLS, type SeccompArch } from './syscalls.js';

// Classic BPF opcodes (linux/filter.h) and seccomp return values (linux/seccomp.h).
const BPF_LD_W_ABS = 0x20;
const BPF_JMP_JEQ_K = 0x15;
const BPF_JMP_JGE_K = 0x35;
const BPF_JMP_JSET_K = 0x45;
const BPF_RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;

const AUDIT_ARCH: Record<SeccompArch, number> = { x86_64: 0xc000003e, aarch64: 0xc00000b7 };
// Offsets into struct seccomp_data: nr, arch, instruction_pointer, args[6] (little-endian low words).
const OFF_NR = 0;
const OFF_ARCH = 4;
const OFF_ARG0_LO = 16;
const OFF_ARG1_LO = 24;
const X32_SYSCALL_BIT = 0x40000000;
const CLONE_NS_FLAGS =
  0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
const PERSONALITY_OK = [0, 0x0008, 0x0020000, 0xffffffff];

/** One `struct sock_filter`; jumps are labels until assembled. */
type Insn =
  | { op: 'ld'; k: number }
  | { op: 'jeq' | 'jge' | 'jset'; k: number; jt: string; jf?: string }
  | { op: 'ret'; k: number }
  | { op: 'label'; name: string };

function archBlock(arch: SeccompArch): Insn[] {
  const p = `${arch}:`;
  const out: Insn[] = [{ op: 'ld', k: OFF_NR }];
  // x32 syscalls share the x86_64 audit arch: refuse the whole x32 range.
  if (arch === 'x86_64') out.push({ op: 'jge', k: X32_SYSCALL_BIT, jt: 'eperm' });
  for (const nrs of Object.values(DENIED_SYSCALLS)) {
    const nr = nrs[arch];
    if (nr !== undefined) out.push({ op: 'jeq', k: nr, jt: 'eperm' });
  }
  out.push({ op: 'jeq', k: FILTERED_SYSCALLS.clone3[arch], jt: 'enosys' });
  out.push({ op: 'jeq', k: FILTERED_SYSCALLS.clone[arch], jt: `${p}clone` });
  out.push({ op: 'jeq', k: FILTERED_SYSCALLS.personality[arch], jt: `${p}personality` });
  out.push({ op: 'jeq', k: FILTERED_SYSCALLS.ioctl[arch], jt: `${p}ioctl` });
  out.push({ op: 'ret', k: RET_ALLOW });
  // The kernel reads ioctl's request as an unsigned int, so the low word is the whole request.
  out.push({ op: 'label', name: `${p}ioctl` }, { op: 'ld', k: OFF_ARG1_LO });
  for (const k of Object.values(DENIED_IOCTLS)) out.push({ op: 'jeq', k, jt: 'eperm' });
  out.push({ op: 'ret', k: RET_ALLOW });
  out.push({ op: 'label', name: `${p}clone` }, { op: 'ld', k: OFF_ARG0_LO });
  out.push({ op: 'jset', k: CLONE_NS_FLAGS, jt: 'eperm' }, { op: 'ret', k: RET_ALLOW });
  out.push({ op: 'label', name: `${p}personality` }, { op: 'ld', k: OFF_ARG0_LO });
  for (const k of PERSONALITY_OK) out.push({ op: 'jeq', k, jt: 'allow' });
  out.push({ op: 'ret', k: RET_ERRNO | EPERM });
  return out;
}

/** The filter as labelled instructions: per architecture a deny list, foreign architectures get EPERM. */
function program(arches: readonly SeccompArch[]): Insn[] {
  const out: Insn[] = [{ op: 'ld', k: OFF_ARCH }];
  for (const arch of arches) out.push({ op: 'jeq', k: AUDIT_ARCH[arch], jt: `${arch}:start` });
  out.push({ op: 'ret', k: RET_ERRNO | EPERM });
  for (const arch of arches) out.push({ op: 'label', name: `${arch}:start` }, ...archBlock(arch));
  out.push({ op: 'label', name: 'allow' }, { op: 'ret', k: RET_ALLOW });
  out.push({ op: 'label', name: 'eperm' }, { op: 'ret', k: RET_ERRNO | EPERM });
  out.push({ op: 'label', name: 'enosys' }, { op: 'ret', k: RET_ERRNO | ENOSYS });
  return out;
}

/** Resolves labels to forward jump offsets and encodes `struct sock_filter[]` (8 bytes each, little-endian). */
function assemble(insns: Insn[]): Buffer {
  const real = insns.filter((i): i is Exclude<Insn, { op: 'label' }> => i.op !== 'label');
  const labels = new Map<string, number>();
  let pc = 0;
  for (const i of insns) {
    if (i.op === 'label') labels.set(i.name, pc);
    else pc++;
  }
  const buf = Buffer.alloc(real.length * 8);
  real.forEach((insn, at) => {
    let code: number;
    let jt = 0;
    let jf = 0;
    if (insn.op === 'ld') code = BPF_LD_W_ABS;
    else if (insn.op === 'ret') code = BPF_RET_K;
    else {
      code = insn.op === 'jeq' ? BPF_JMP_JEQ_K : insn.op === 'jge' ? BPF_JMP_JGE_K : BPF_JMP_JSET_K;
      const offset = (name: string | undefined): number => {
        if (name === undefined) return 0;
        const target = labels.get(name);
        if (target === undefined) throw new Error(`seccomp: unknown label ${name}`);
        const off = target - at - 1;
        if (off < 0 || off > 255) throw new Error(`seccomp: jump to ${name} out of range (${off})`);
        return off;
      };
      jt = offset(insn.jt);
      jf = offset(insn.jf);
    }
    buf.writeUInt16LE(code, at * 8);
    buf.writeUInt8(jt, at * 8 + 2);
    buf.writeUInt8(jf, at * 8 + 3);
    buf.writeUInt32LE(insn.k >>> 0, at * 8 + 4);
  });
  return buf;
}

/** Builds the sandbox's seccomp program for bwrap's `--seccomp FD` (raw sock_filter array). */
export function buildSeccompFilter(arches: readonly SeccompArch[] = ['x86_64', 'aarch64']): Buffer {
  return assemble(program(arches));
}

/** Number of instructions in a program (the kernel caps a filter at 4096). */
export function seccompInstructionCount(filter: Buffer): number {
  return filter.length / 8;
}
