#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/fuzz/gen_corpus.py: write the fuzz targets' seed corpora and
dictionaries (tests/fuzz/corpus/<target>/, tests/fuzz/dict/<target>.dict).

  gen_corpus.py            rewrite them in the source tree
  gen_corpus.py --check    exit 1 if the tree differs from what this
                           script writes (suite 'fuzz': fuzz-corpus)

Each seed is a short, meaningful session in the input format the target's
C file documents at its top (fuzz_<target>.c): the calls a guest makes on
the way to the interesting states, so that mutation starts deep.  Layouts
of the Xen structures: the Xen public headers (/usr/include/xen); of the
Hyper-V ones: include/hyperv/tlfs.h; of kvm_run: <linux/kvm.h>; ELF:
tests/monitor/gen_bad_images.py, whose images are reused.  Python 3
standard library only.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'monitor'))
import gen_bad_images  # noqa: E402  (the monitor tests' ELF images)

u8 = lambda v: struct.pack('<B', v & 0xff)
u16 = lambda v: struct.pack('<H', v & 0xffff)
u32 = lambda v: struct.pack('<I', v & 0xffffffff)
u64 = lambda v: struct.pack('<Q', v & 0xffffffffffffffff)

ARG_PA = 0x10000                # fuzz.h FZ_ARG_PA
SPECIAL_PA = 0xFEFF8000         # monitor/mon.h MON_SPECIAL_PA
CONSOLE_PA = SPECIAL_PA + 7 * 0x1000    # pers_xen.h PERS_XEN_CONSOLE_PA
DOMID_SELF = 0x7ff0


def addr(kind, v=0):
    """fz_addr: kind 0 raw, 1 FZ_ARG_PA + (v & 0xfff), 3 special area,
    4 page (v), 5 small v."""
    return u8(kind) + u64(v)


RAW = lambda v: addr(0, v)
ARG = lambda off=0: addr(1, off)
SMALL = lambda v: addr(5, v)
PAGE = lambda pfn: addr(4, pfn)


def block(b):
    assert len(b) < 256
    return u8(len(b)) + b


# ---- Xen (public/xen.h, memory.h, vcpu.h, sched.h, hvm/hvm_op.h, ...) ----
HC = dict(set_timer_op=15, xen_version=17, console_io=18, memory_op=12,
          grant_table_op=20, vcpu_op=24, sched_op=29, event_channel_op=32,
          hvm_op=34, multicall=13, physdev_op=33)
MODE64, MODE32, MODE_REAL, MODE_VM86 = 0, 3, 5, 6   # fuzz_xen_hcall modes[]
MODE32_PAE, MODE32_PG = 2, 4    # 32-bit code with PAE or 32-bit paging
RAM = 2 << 20                   # fuzz.h FZ_RAM
PT32_PA, PTPAE_PA = RAM - 0x2000, RAM - 0x3000  # fuzz_mon.c map_32


def xcall(nr, args=(), blk=b'', vcpu=0, mode=MODE64, cpl=0, wide=False,
          stub=None):
    """fuzz_xen_hcall op 0: one hypercall, its block at FZ_ARG_PA; op 5
    with stub=5 or 7: from a hypercall stub, RIP that far past it."""
    args = list(args) + [SMALL(0)] * (5 - len(args))
    fl = vcpu | mode << 2 | cpl << 5 | (0x80 if wide else 0)
    return (u8(0 if stub is None else 5) + u8(fl) +
            (u64(nr) if wide else u8(nr)) + b''.join(args) + block(blk) +
            (b'' if stub is None else u8(stub == 7)))


def xpoke(a, b):
    """fuzz_xen_hcall op 2: a guest store of (b) at fz_addr (a)."""
    return u8(2) + a + block(b)


def xmsr(write, sel, value, vcpu=0):
    """fuzz_xen_hcall op 1."""
    return u8(1) + u8(int(write) | vcpu << 1) + u8(sel) + value


def xen_ctx64(rip=0x100000, cr3=0x200000):
    """vcpu_hvm_context, VCPU_HVM_MODE_64B, a valid long-mode state."""
    regs = [0] * 14
    regs[8], regs[9] = rip, 2                   # rip, rflags
    regs[10], regs[11] = 0x80000011, cr3        # cr0 PE|ET|PG, cr3
    regs[12], regs[13] = 0x20, 0x500            # cr4 PAE, efer LME|LMA
    return struct.pack('<II', 1, 0) + struct.pack('<14Q', *regs) + \
        b'\0' * (128 - 8 - 14 * 8)


def xen_hcall_seeds():
    physmap = struct.pack('<HHIQQ', DOMID_SELF, 0, 0, 0, 0x20)
    vinfo = struct.pack('<QII', 0x21, 0, 0)
    return {
        'version': u8(0) + b''.join([
            xcall(HC['xen_version'], [SMALL(0)]),
            xcall(HC['xen_version'], [SMALL(1), ARG()]),
            xcall(HC['xen_version'], [SMALL(2), ARG()]),
            xcall(HC['xen_version'], [SMALL(6), ARG()], u32(0)),
            xcall(HC['xen_version'], [SMALL(7), SMALL(0)]),
            xcall(HC['xen_version'], [SMALL(9), ARG()])]),
        'memory': u8(0) + b''.join([
            xcall(HC['memory_op'], [SMALL(7), ARG()], physmap),
            xcall(HC['memory_op'], [SMALL(9), ARG()],
                  struct.pack('<I4xQ', 8, ARG_PA + 0x100)),
            xcall(HC['memory_op'], [SMALL(1), ARG()],
                  struct.pack('<QQIIH6x', ARG_PA + 0x80, 2, 0, 0,
                              DOMID_SELF) + b'\0' * 0x60 +
                  u64(0x150) + u64(0x151)),
            xcall(HC['memory_op'], [SMALL(6), ARG()],
                  struct.pack('<QQIIH6x', ARG_PA + 0x80, 1, 0, 0,
                              DOMID_SELF) + b'\0' * 0x60 + u64(0x150)),
            xcall(HC['memory_op'], [SMALL(3), ARG()], u16(DOMID_SELF)),
            xcall(HC['memory_op'], [SMALL(14), ARG()], u16(DOMID_SELF)),
            xcall(HC['memory_op'], [SMALL(7), ARG()],
                  struct.pack('<HHIQQ', DOMID_SELF, 0, 1, 0, 0xf0000))]),
        'vcpu': u8(1) + b''.join([
            xcall(HC['vcpu_op'], [SMALL(10), SMALL(0), ARG()], vinfo),
            xcall(HC['vcpu_op'], [SMALL(8), SMALL(0), ARG()],
                  struct.pack('<QI4x', 5000000, 0)),
            xcall(HC['vcpu_op'], [SMALL(0), SMALL(1), ARG()], xen_ctx64()),
            xcall(HC['vcpu_op'], [SMALL(1), SMALL(1)]),
            xcall(HC['vcpu_op'], [SMALL(3), SMALL(1)]),
            xcall(HC['set_timer_op'], [RAW(1 << 40)]),
            u8(3) + u16(2000)]),
        'sched': u8(0) + b''.join([
            xcall(HC['sched_op'], [SMALL(0)]),
            xcall(HC['event_channel_op'], [SMALL(7), ARG()], u32(0) * 2),
            xcall(HC['sched_op'], [SMALL(3), ARG()],
                  struct.pack('<QI4xQ', ARG_PA + 0x40, 1, 0) +
                  b'\0' * 0x28 + u32(2)),
            xcall(HC['sched_op'], [SMALL(2), ARG()], u32(0))]),
        'hvm': u8(0) + b''.join([
            xcall(HC['hvm_op'], [SMALL(0), ARG()],
                  struct.pack('<H2xIQ', DOMID_SELF, 0, 2 << 56 | 0xf3)),
            xcall(HC['hvm_op'], [SMALL(1), ARG()],
                  struct.pack('<H2xIQ', DOMID_SELF, 17, 0)),
            xcall(HC['hvm_op'], [SMALL(23), ARG()],
                  struct.pack('<IB3x', 0, 0xf3))]),
        'grant': u8(0) + b''.join([
            xcall(HC['grant_table_op'], [SMALL(6), ARG(), SMALL(1)],
                  struct.pack('<H2xIIh2x', DOMID_SELF, 0, 0, 0)),
            xcall(HC['grant_table_op'], [SMALL(2), ARG(), SMALL(1)],
                  struct.pack('<H2xIh6xQ', DOMID_SELF, 2, 0, ARG_PA + 0x40)),
            xcall(HC['grant_table_op'], [SMALL(8), ARG(), SMALL(1)], u32(1)),
            xcall(HC['grant_table_op'], [SMALL(10), ARG(), SMALL(1)],
                  u16(DOMID_SELF) + b'\0' * 6)]),
        'console': u8(0) + b''.join([
            xcall(HC['console_io'], [SMALL(0), SMALL(6), ARG()], b'hello\n'),
            xcall(HC['console_io'], [SMALL(1), SMALL(6), ARG()])]),
        'compat32': u8(0) + b''.join([
            xcall(HC['xen_version'], [SMALL(7)], mode=MODE32),
            xcall(HC['memory_op'], [SMALL(7), ARG()],
                  struct.pack('<HHIII', DOMID_SELF, 0, 0, 0, 0x20),
                  mode=MODE32),
            xcall(HC['event_channel_op'], [SMALL(7), ARG()], u32(0) * 2,
                  mode=MODE32),
            xcall(HC['sched_op'], [SMALL(3), ARG()],
                  struct.pack('<IIQ', ARG_PA + 0x40, 1, 0) + b'\0' * 0x30 +
                  u32(1), mode=MODE32),
            xcall(HC['xen_version'], [SMALL(0)], mode=MODE32, cpl=3),
            xcall(HC['xen_version'], [SMALL(0)], mode=MODE_VM86),
            xcall(HC['xen_version'], [SMALL(0)], mode=MODE_REAL, cpl=3)]),
        # 32-bit callers with paging: copies through each table format,
        # a read-only page (its entry rewritten), a large page past RAM.
        'paging32': u8(0) + b''.join([
            xcall(HC['xen_version'], [SMALL(1), ARG()], mode=MODE32_PG),
            xcall(HC['memory_op'], [SMALL(7), ARG()],
                  struct.pack('<HHIII', DOMID_SELF, 0, 0, 0, 0x20),
                  mode=MODE32_PG),
            xcall(HC['xen_version'], [SMALL(1), RAW(0x400000)],
                  mode=MODE32_PG),
            xpoke(PAGE(PT32_PA >> 12), b'\0' * 0x40 + u32(ARG_PA | 1)),
            xcall(HC['xen_version'], [SMALL(1), ARG()], mode=MODE32_PG)]),
        'paging-pae': u8(0) + b''.join([
            xcall(HC['xen_version'], [SMALL(1), ARG()], mode=MODE32_PAE),
            xcall(HC['xen_version'], [SMALL(1), RAW(0x200000)],
                  mode=MODE32_PAE),
            xcall(HC['xen_version'], [SMALL(1), RAW(CONSOLE_PA)],
                  mode=MODE32_PAE),
            xpoke(PAGE(PTPAE_PA >> 12), b'\0' * 0x80 + u64(ARG_PA | 1)),
            xcall(HC['xen_version'], [SMALL(1), ARG()], mode=MODE32_PAE)]),
        # Calls long enough to be continued, from a stub: console_io
        # past PERS_XEN_CONSOLE_PER_EXIT, memory_op past
        # PERS_XEN_MEMOP_PAGES extents, 64- and 32-bit.
        'continued': u8(0) + b''.join([
            xcall(HC['console_io'], [SMALL(0), SMALL(40000), ARG()],
                  b'long\n', stub=5),
            xcall(HC['console_io'], [SMALL(0), SMALL(40000), ARG()],
                  b'long\n', mode=MODE32, stub=7),
            xcall(1 << 40 | HC['console_io'],
                  [SMALL(0), SMALL(40000), ARG()], b'long\n', mode=MODE32,
                  wide=True, stub=5),
            xcall(HC['memory_op'], [SMALL(0), ARG()],
                  struct.pack('<QQIIH6x', ARG_PA + 0x80, 600, 0, 0,
                              DOMID_SELF), stub=7),
            xcall(HC['memory_op'], [SMALL(1), ARG()],
                  struct.pack('<QQIIH6x', ARG_PA + 0x80, 600, 0, 0,
                              DOMID_SELF), stub=5)]),
        'page-msr': u8(0) + b''.join([
            xmsr(True, 0, PAGE(5)),
            xmsr(False, 0, SMALL(0)),
            xmsr(True, 0, RAW(0x5001)),
            xcall(99, [SMALL(0)]),
            xcall(1 << 40, [SMALL(0)], wide=True),
            u8(4) + u8(0) + u8(0)]),
    }


# ---- Hyper-V (include/hyperv/tlfs.h) ----
HV_MSR = ['GUEST_OS_ID', 'HYPERCALL', 'VP_INDEX', 'RESET', 'TIME_REF_COUNT',
          'REFERENCE_TSC', 'TSC_FREQUENCY', 'APIC_FREQUENCY', 'EOI', 'ICR',
          'TPR', 'SCONTROL', 'SVERSION', 'SIEFP', 'SIMP', 'EOM', 'SINT0',
          'SINT1', 'SINT15', 'SINT16', 'STIMER0_CONFIG', 'STIMER0_COUNT',
          'STIMER1_CONFIG', 'CRASH_P0', 'CRASH_P3', 'CRASH_P4', 'CRASH_CTL']
HV_CODES = ['FLUSH_SPACE', 'FLUSH_LIST', 'SPIN_WAIT', 'SEND_IPI',
            'FLUSH_SPACE_EX', 'FLUSH_LIST_EX', 'SEND_IPI_EX', 'POST_MESSAGE',
            'SIGNAL_EVENT']


def wrmsr(name, value, vcpu=0):
    """fuzz_hv op 0: value given raw (fz_addr kind 0, XOR byte 0)."""
    return u8(0) + u8(vcpu) + u8(HV_MSR.index(name)) + RAW(value) + u8(0)


def rdmsr(name, vcpu=0):
    return u8(1) + u8(vcpu) + u8(HV_MSR.index(name))


def hvcall(code, control=0, inp=SMALL(0), out=SMALL(0), blk=b'', vcpu=0):
    """fuzz_hv op 2; selector bit 7: reserved bits cleared."""
    return (u8(2) + u8(vcpu) + u8(0x80 | HV_CODES.index(code)) +
            u64(control) + inp + out + block(blk))


def synic(vcpu=0):
    return u8(5) + u8(vcpu)


def connection(vp, sint):
    return 0x100000 | vp << 4 | sint


def hv_seeds():
    fast = 1 << 16
    return {
        'msrs': u8(1) + b''.join([
            wrmsr('GUEST_OS_ID', 1 << 63 | 1 << 16),
            wrmsr('HYPERCALL', 0x3f001),
            wrmsr('REFERENCE_TSC', 0x3e001),
            rdmsr('TIME_REF_COUNT'), rdmsr('VP_INDEX', 1),
            rdmsr('TSC_FREQUENCY'), rdmsr('SVERSION'),
            wrmsr('VP_INDEX', 3), wrmsr('SINT0', 0x0f),
            wrmsr('CRASH_P0', 0x42), wrmsr('CRASH_P3', ARG_PA),
            wrmsr('CRASH_P4', 5),
            u8(3) + ARG() + block(b'oops\n'),
            wrmsr('CRASH_CTL', 3 << 62)]),
        'messages': u8(1) + b''.join([
            synic(0), synic(1),
            hvcall('POST_MESSAGE', 0, ARG(), SMALL(0),
                   struct.pack('<IIII', connection(1, 2), 0, 1, 8) + u64(7)),
            hvcall('POST_MESSAGE', 0, ARG(), SMALL(0),
                   struct.pack('<IIII', connection(1, 2), 0, 1, 8) + u64(7)),
            wrmsr('EOM', 0, vcpu=1),
            hvcall('SIGNAL_EVENT', 0, ARG(), SMALL(0),
                   struct.pack('<IHH', connection(0, 3), 5, 0)),
            hvcall('SIGNAL_EVENT', fast, RAW(connection(1, 3) | 9 << 32))]),
        'ipi-flush': u8(3) + b''.join([
            synic(0),
            hvcall('SEND_IPI', 0, ARG(), SMALL(0),
                   struct.pack('<IIQ', 0x40, 0, 0xf)),
            hvcall('SEND_IPI', fast, RAW(0x41), RAW(0x3)),
            hvcall('FLUSH_SPACE', 0, ARG(), SMALL(0),
                   struct.pack('<QQQ', 0, 1, 0)),
            hvcall('FLUSH_LIST', 2 << 32, ARG(), SMALL(0),
                   struct.pack('<QQQQQ', 0, 0, 6, 0x1000, 0x2000)),
            hvcall('SPIN_WAIT', fast, RAW(1)),
            hvcall('SEND_IPI_EX', 0, ARG())]),
        'stimer': u8(1) + b''.join([
            synic(0),
            wrmsr('STIMER0_CONFIG', 1 | 2 | 1 << 12 | 0x40 << 4),
            wrmsr('STIMER0_COUNT', 1000),
            u8(4) + u16(500),
            wrmsr('STIMER0_CONFIG', 1 | 8 | 2 << 16),
            wrmsr('STIMER0_COUNT', 50000),
            u8(4) + u16(10000),
            wrmsr('STIMER0_COUNT', 0)]),
    }


# ---- Xen event channels (fuzz_xen_evtchn.c) ----
def ev(op, vcpu, *fields):
    return u8(op) + u8(vcpu) + b''.join(fields)


def xen_evtchn_seeds():
    setup = 1 | 4 | 8 | 16          # 2 vCPUs, shared_info, vcpu_info, vectors
    return {
        'ipi': u8(setup) + b''.join([
            ev(1, 0, u8(1)), ev(3, 0, u8(0), u8(0)), ev(4, 0, u8(0)),
            ev(6, 0, u16(0xa00), u64(1 << 2)),     # evtchn_mask[0]: port 2
            ev(1, 0, u8(0)), ev(3, 0, u8(0), u8(1)),
            ev(3, 0, u8(1), u8(1)), ev(3, 1, u8(2), u8(0))]),
        'virq-timer': u8(setup) + b''.join([
            ev(0, 0, u8(0), u8(0)), ev(0, 1, u8(0), u8(1)),
            ev(7, 0, u16(100)), ev(7, 1, u16(50)),
            ev(6, 1, u16(0x8000), u64(0))]),
        'unbound': u8(1 | 4) + b''.join([
            ev(2, 0, u8(0), u16(0)), ev(2, 0, u8(1), u16(0)),
            ev(3, 0, u8(0), u8(0)), ev(4, 0, u8(0x80), u32(1)),
            ev(3, 0, u8(2), u8(0x80), u32(1))]),
        # VIRQ_CON_RING (8), a global VIRQ: bound on vCPU 0, refused on
        # 1, then moved; the console port moved; an IPI refused.  Time
        # TSC-stable (64).
        'bind-vcpu': u8(setup | 64) + b''.join([
            ev(0, 0, u8(8), u8(0)), ev(0, 0, u8(8), u8(1)),
            ev(3, 0, u8(3), u8(0), u8(1)),
            ev(3, 0, u8(3), u8(0x80), u32(1), u8(1)),
            ev(1, 0, u8(0)), ev(3, 1, u8(3), u8(1), u8(1))]),
        'fifo': u8(0 | 4 | 32) + b''.join([
            ev(5, 0, u8(11), block(struct.pack('<QIIQ', 0x30, 0, 0, 0))),
            ev(5, 0, u8(12), block(u64(0x31))),
            ev(5, 0, u8(13), block(struct.pack('<II', 1, 0))),
            ev(5, 0, u8(99), block(b''))]),
    }


# ---- KVM exits (fuzz_kvm_exit.c; <linux/kvm.h>) ----
EXIT = dict(IO=0, MMIO=3, RDMSR=4, WRMSR=5, SHUTDOWN=6, INTERNAL=7,
            FAIL_ENTRY=8, SYSTEM_EVENT=9, HLT=10)
PAGE12K = 2                     # run_sizes[2]: 3 pages


def kexit(reason, union, regs=(), data=b'', vcpu=0, size=PAGE12K):
    regs = list(regs) + [0] * (8 - len(regs))   # rax rbx rcx rdx rsi rdi r8 r10
    return (u8(vcpu << 2 | size) + u8(EXIT[reason]) +
            union.ljust(32, b'\0') + struct.pack('<8Q', *regs) + block(data))


def io(port, out, size=1, count=1, off=4096):
    return struct.pack('<BBHIQ', int(out), size, port, count, off)


def mmio(gpa, write, data=b'\0' * 8, length=4):
    return struct.pack('<Q8sIB', gpa, data, length, int(write))


def msr(index, data=0):
    return struct.pack('<B7xIIQ', 0, 0, index, data)


def kvm_exit_seeds():
    return {
        'pc': u8(0) + b''.join([
            kexit('IO', io(0x3f8, True), data=b'h'),
            kexit('IO', io(0x3f8, True), data=b'\n'),
            kexit('IO', io(0x3fd, False)),
            kexit('IO', io(0x70, True), data=b'\x04'),
            kexit('IO', io(0x71, False)),
            kexit('IO', io(0x20, True), data=b'\x11'),
            kexit('IO', io(0x40, False)),
            kexit('IO', io(0x3f8, True, count=4), data=b'abcd'),
            kexit('IO', io(0x1234, False, size=4)),
            kexit('MMIO', mmio(0xd0000000, False)),
            kexit('RDMSR', msr(0x12345678)),
            kexit('HLT', b''),
            kexit('IO', io(0x604, True, size=2), data=u16(5 << 10 | 1 << 13))]),
        'faults': u8(0) + b''.join([
            kexit('INTERNAL', u32(1)), kexit('FAIL_ENTRY', u64(0x80000021)),
            kexit('SYSTEM_EVENT', u32(2)), kexit('SHUTDOWN', b''),
            kexit('IO', io(0xf4, True), data=b'\x2a')]),
        'xen': u8(2 | 1 << 2) + b''.join([
            kexit('WRMSR', msr(0x40000000, 0x5000)),
            kexit('IO', io(0xe0, True), regs=[17, 0, 0, 0, 0, 0]),
            kexit('IO', io(0xe0, True), regs=[24, 0, 0, 0, 0, 3], vcpu=1),
            kexit('IO', io(0xe0, False))]),
        # Found by this target: an unimplemented sub-op of INT64_MAX
        # overflowed a signed sum in pers_xen_unimplemented() under -v
        # (the input as libFuzzer minimized it).
        'xen-subop-int64-max': bytes.fromhex(
            '0602000101e000010000000010000000000000000000000000000087'
            '000000000000001200000000000000ff7fff7f000000170604000040'
            '00000000ffffffffffffffffff7f040000ffffffffffffffffff7f'),
        'hyperv': u8(3 | 1 << 2 | 16) + b''.join([
            kexit('RDMSR', msr(0x40000002), vcpu=1),
            kexit('WRMSR', msr(0x40000080, 1)),
            kexit('IO', io(0xe1, True), regs=[0, 0, 0x1000b | 0, 0x41, 0, 0,
                                              0x3]),
            kexit('IO', io(0xe1, True, count=2))]),
    }


# ---- The ELF loader: tests/monitor/gen_bad_images.py's images ----
def elf_seeds():
    seeds = {name.replace('.elf', ''): data
             for name, data in gen_bad_images.GOODS.items()}
    keep = ('seg-overlap', 'too-many-loads', 'note-huge-namesz',
            'elf32-seg-top', 'note-desc-size')
    for name, data, _ in gen_bad_images.cases():
        if name in keep:
            seeds[name] = data
    return seeds


# ---- The command line (fuzz_args.c: arguments, each ended by NUL) ----
def argv(*args):
    return b''.join(a.encode('latin-1') + b'\0' for a in args)


def args_seeds():
    return {
        'all': argv('--hv', 'xen', '--cpus', '2', '--mem=1G', '--timeout',
                    '0', '--cmdline', 'console=ttyS0 quiet', '-v',
                    '--no-sandbox', '--', '-odd.elf'),
        'short': argv('--hv=hyperv', '--mem', '2M', 'k.elf'),
        'help': argv('-h'),
        'bad-mem': argv('--mem', '4095K', 'k.elf'),
        'two-images': argv('a.elf', 'b.elf'),
        'clocksource': argv('--hv', 'xen', '--clocksource=tsc', 'k.elf'),
        'clocksource-pc': argv('--clocksource', 'platform', 'k.elf'),
        # Found by this target: a quoted argument with bytes that are
        # not printable made a two-line error (fixed in mon_args.c).
        'unprintable': b'-\xff\xff-',
    }


# ---- The Xen console ring (fuzz_xen_console.c) ----
def cons_ring(cons, prod, off=0, data=b''):
    return u8(0) + u32(cons) + u32(prod) + u16(off) + block(data)


CONS_NOTIFY = u8(1) + u8(1)     # to HVM_PARAM_CONSOLE_EVTCHN's port


def cons_produce(data):
    return u8(2) + block(data)


def cons_uart(data):
    return u8(3) + block(data)


def xen_console_seeds():
    return {
        'lines': u8(0) + b''.join([
            cons_produce(b'hello from the ring\n'), CONS_NOTIFY,
            cons_uart(b'uart line\n'), cons_produce(b'again\n'),
            CONS_NOTIFY]),
        'interleave': u8(1) + b''.join([
            cons_uart(b'partial '), cons_produce(b'ring\n'), CONS_NOTIFY,
            cons_uart(b'rest\n')]),
        'wrap': u8(0) + b''.join([
            cons_ring(0xfffffff0, 0xfffffff0),
            cons_produce(bytes(range(0x41, 0x41 + 40))), CONS_NOTIFY]),
        'liar': u8(0) + b''.join([
            cons_ring(5, 5 + 100000, 0, b'lost?'), CONS_NOTIFY,
            cons_ring(10, 2, 0, b'backwards'), CONS_NOTIFY,
            u8(1) + u8(0) + u32(1), u8(1) + u8(0) + u32(9999)]),
        'consoleio': u8(0) + b''.join([
            u8(4) + u32(6) + ARG() + u8(0) + block(b'hello\n'),
            u8(4) + u32(6) + ARG() + u8(1) + block(b''),
            u8(4) + u32(16) + addr(2, 8) + u8(0) + block(b''),
            u8(4) + u32(0) + RAW(1 << 63) + u8(0) + block(b'')]),
    }


# ---- Timers (fuzz_timer.c) ----
def t_when(kind, v=0):
    """when(): 0 now + u32 ns, 1 now - u32 ns, 2 raw u64, 3 zero."""
    return u8(kind) + (u32(v) if kind < 2 else u64(v) if kind == 2 else b'')


def t_op(op, vcpu, *fields):
    return u8(op) + u8(vcpu) + b''.join(fields)


def timer_seeds():
    ms = 1000000
    return {
        'xen-timers': u8(2) + b''.join([
            t_op(2, 0), t_op(2, 1),
            t_op(0, 0, u8(0), t_when(0, ms)), t_op(1, 0, u32(2 * ms)),
            t_op(0, 1, u8(1), t_when(0, 3 * ms)),
            t_op(0, 1, u8(2), t_when(3)), t_op(1, 0, u32(5 * ms)),
            t_op(0, 0, u8(1), t_when(2, 1 << 63)),
            t_op(0, 0, u8(0), t_when(2, (1 << 64) - 1)),
            t_op(0, 0, u8(0), t_when(2, 1 << 60)),
            t_op(0, 0, u8(0), t_when(3)),
            t_op(0, 0, u8(1), t_when(1, ms)), t_op(1, 0, u32(1)),
            t_op(0, 0, u8(3), t_when(3))]),
        'hv-periodic': u8(1) + b''.join([
            t_op(2, 0),
            t_op(3, 0, u8(0x40), u8(0), u8(1 | 2 | 0x10)),
            t_op(0, 0, u8(1), t_when(0, 50000)),
            t_op(1, 0, u32(5 * ms)),
            t_op(0, 0, u8(1), t_when(0, 300000)),
            t_op(1, 0, u32(2 * ms)),
            t_op(0, 0, u8(1), t_when(3))]),
        'hv-oneshot': u8(1 | 2) + b''.join([
            t_op(2, 0), t_op(2, 1),
            t_op(3, 1, u8(0), u8(2), u8(1 | 8)),
            t_op(0, 1, u8(1), t_when(0, 2 * ms)),
            t_op(1, 0, u32(3 * ms)),
            t_op(0, 1, u8(1), t_when(2, (1 << 64) - 1)),
            t_op(0, 1, u8(1), t_when(1, ms)),
            t_op(1, 1, u32(ms))]),
    }


TARGETS = {
    'xen_hcall': xen_hcall_seeds,
    'hv': hv_seeds,
    'xen_evtchn': xen_evtchn_seeds,
    'kvm_exit': kvm_exit_seeds,
    'elf': elf_seeds,
    'args': args_seeds,
    'xen_console': xen_console_seeds,
    'timer': timer_seeds,
}


# ---- Dictionaries (libFuzzer -dict: name="bytes") ----
def dict_entry(name, data):
    return '%s="%s"' % (name, ''.join('\\x%02x' % b for b in data))


def dicts():
    hv_msrs = dict(guest_os_id=0x40000000, hypercall=0x40000001,
                   vp_index=0x40000002, reset=0x40000003,
                   time_ref=0x40000020, ref_tsc=0x40000021,
                   scontrol=0x40000080, siefp=0x40000082, simp=0x40000083,
                   eom=0x40000084, sint0=0x40000090, sint15=0x4000009f,
                   stimer0_config=0x400000b0, stimer0_count=0x400000b1,
                   crash_p0=0x40000100, crash_ctl=0x40000105)
    return {
        'xen_hcall': [dict_entry('arg_pa', u64(ARG_PA)),
                      dict_entry('domid_self', u16(DOMID_SELF)),
                      dict_entry('special_pa', u64(SPECIAL_PA)),
                      dict_entry('console_pa', u64(CONSOLE_PA)),
                      dict_entry('hcall_msr', u32(0x40000000)),
                      dict_entry('cb_vector', u64(2 << 56 | 0xf3)),
                      dict_entry('cr0_pg_pe', u64(0x80000011)),
                      dict_entry('efer_lme', u64(0x500))] +
                     [dict_entry('hc_' + k, u64(v)) for k, v in HC.items()],
        'hv': [dict_entry(k, u32(v)) for k, v in hv_msrs.items()] +
              [dict_entry('conn', u32(connection(1, 2))),
               dict_entry('enable_page', u64(0x40001)),
               dict_entry('timer_expired', u32(0x80000010)),
               dict_entry('fast', u64(1 << 16)),
               dict_entry('rep2', u64(2 << 32))],
        'kvm_exit': [dict_entry('data_offset', u64(4096)),
                     dict_entry('uart', u16(0x3f8)),
                     dict_entry('xen_port', u16(0xe0)),
                     dict_entry('hv_port', u16(0xe1)),
                     dict_entry('pm1_cnt', u16(0x604)),
                     dict_entry('reset', u16(0xcf9)),
                     dict_entry('xen_msr', u32(0x40000000)),
                     dict_entry('hv_scontrol', u32(0x40000080))],
        'args': [dict_entry('opt%d' % i, o.encode()) for i, o in enumerate(
            ['--hv', '--cpus', '--mem', '--timeout', '--cmdline', '--',
             '--no-sandbox', '--verbose', '--help', '-v', '-h', 'xen',
             'hyperv', 'kvm', 'pc', '=', '\0', '--clocksource', 'tsc',
             'platform'])],
        'elf': [dict_entry('magic', b'\x7fELF'),
                dict_entry('xen', b'Xen\0'),
                dict_entry('phys32_entry', u32(18)),
                dict_entry('load_pa', u32(0x100000))],
    }


def wanted():
    """{relative path: bytes} of everything this script owns."""
    files = {}
    for t, seeds in TARGETS.items():
        for name, data in seeds().items():
            files[os.path.join('corpus', t, name)] = data
    for t, lines in dicts().items():
        text = '# tests/fuzz/dict/%s.dict: written by gen_corpus.py\n' % t
        files[os.path.join('dict', t + '.dict')] = \
            (text + '\n'.join(lines) + '\n').encode()
    return files


def owned_dirs():
    return [os.path.join('corpus', t) for t in TARGETS] + ['dict']


def main():
    check = sys.argv[1:] == ['--check']
    files = wanted()
    stale = []
    for d in owned_dirs():
        full = os.path.join(HERE, d)
        for f in sorted(os.listdir(full)) if os.path.isdir(full) else []:
            if os.path.join(d, f) not in files:
                stale.append(os.path.join(d, f))
    diff = [p for p, data in sorted(files.items())
            if not os.path.isfile(os.path.join(HERE, p)) or
            open(os.path.join(HERE, p), 'rb').read() != data]
    if check:
        for p in diff + stale:
            print('tests/fuzz/%s: differs from gen_corpus.py' % p)
        if diff or stale:
            print('run tests/fuzz/gen_corpus.py and commit the result')
        return 1 if diff or stale else 0
    for p in stale:
        os.remove(os.path.join(HERE, p))
    for p in diff:
        os.makedirs(os.path.dirname(os.path.join(HERE, p)), exist_ok=True)
        with open(os.path.join(HERE, p), 'wb') as f:
            f.write(files[p])
    print('%d files written, %d removed' % (len(diff), len(stale)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
