/**
 * Syscalls the sandbox denies, with their numbers per architecture (from the kernel's unistd headers:
 * arch/x86/entry/syscalls/syscall_64.tbl and include/uapi/asm-generic/unistd.h for aarch64).
 */
export const DENIED_SYSCALLS = {
  ptrace: { x86_64: 101, aarch64: 117 },
  process_vm_readv: { x86_64: 310, aarch64: 270 },
  process_vm_writev: { x86_64: 311, aarch64: 271 },
  mount: { x86_64: 165, aarch64: 40 },
  umount2: { x86_64: 166, aarch64: 39 },
  open_tree: { x86_64: 428, aarch64: 428 },
  move_mount: { x86_64: 429, aarch64: 429 },
  fsopen: { x86_64: 430, aarch64: 430 },
  fsconfig: { x86_64: 431, aarch64: 431 },
  fsmount: { x86_64: 432, aarch64: 432 },
  fspick: { x86_64: 433, aarch64: 433 },
  mount_setattr: { x86_64: 442, aarch64: 442 },
  pivot_root: { x86_64: 155, aarch64: 41 },
  chroot: { x86_64: 161, aarch64: 51 },
  unshare: { x86_64: 272, aarch64: 97 },
  setns: { x86_64: 308, aarch64: 268 },
  keyctl: { x86_64: 250, aarch64: 219 },
  add_key: { x86_64: 248, aarch64: 217 },
  request_key: { x86_64: 249, aarch64: 218 },
  bpf: { x86_64: 321, aarch64: 280 },
  perf_event_open: { x86_64: 298, aarch64: 241 },
  userfaultfd: { x86_64: 323, aarch64: 282 },
  kexec_load: { x86_64: 246, aarch64: 104 },
  kexec_file_load: { x86_64: 320, aarch64: 294 },
  init_module: { x86_64: 175, aarch64: 105 },
  finit_module: { x86_64: 313, aarch64: 273 },
  delete_module: { x86_64: 176, aarch64: 106 },
  open_by_handle_at: { x86_64: 304, aarch64: 265 },
  swapon: { x86_64: 167, aarch64: 224 },
  swapoff: { x86_64: 168, aarch64: 225 },
  reboot: { x86_64: 169, aarch64: 142 },
  acct: { x86_64: 163, aarch64: 89 },
  quotactl: { x86_64: 179, aarch64: 60 },
  syslog: { x86_64: 103, aarch64: 116 },
  lookup_dcookie: { x86_64: 212, aarch64: 18 },
  vhangup: { x86_64: 153, aarch64: 58 },
  iopl: { x86_64: 172, aarch64: undefined },
  ioperm: { x86_64: 173, aarch64: undefined },
  uselib: { x86_64: 134, aarch64: undefined },
  // io_uring performs reads, writes, connects and opens outside the syscall table this filter sees, and has
  // been a steady source of kernel privilege escalations; nothing a build or test needs depends on it.
  io_uring_setup: { x86_64: 425, aarch64: 425 },
  io_uring_enter: { x86_64: 426, aarch64: 426 },
  io_uring_register: { x86_64: 427, aarch64: 427 },
} as const satisfies Record<string, { x86_64: number; aarch64: number | undefined }>;

/** Syscalls allowed only with some arguments (checked by the filter, see seccomp-bpf.ts). */
export const FILTERED_SYSCALLS = {
  /** personality(2): only the query and the harmless personas (PER_LINUX, PER_LINUX32, UNAME26). */
  personality: { x86_64: 135, aarch64: 92 },
  /** clone(2): no namespace flags (a second way to unshare). */
  clone: { x86_64: 56, aarch64: 220 },
  /** ioctl(2): no TIOCSTI / TIOCLINUX, which push keystrokes into a terminal the user types into next. */
  ioctl: { x86_64: 16, aarch64: 29 },
  /** clone3(2): its flags sit behind a pointer, so answer ENOSYS and libc falls back to clone(2). */
  clone3: { x86_64: 435, aarch64: 435 },
} as const;

/** ioctl requests refused whatever the fd: fake terminal input (TIOCSTI) and the console's (TIOCLINUX). */
export const DENIED_IOCTLS = { TIOCSTI: 0x5412, TIOCLINUX: 0x541c } as const;

export type SeccompArch = 'x86_64' | 'aarch64';
