# SPDX-License-Identifier: MIT
"""scripts/vmienv.py: the environments a vmi kernel image can boot in, how
to start one, and what outcome each (image, environment) cell should have.

Shared by scripts/demo and the conformance matrix runner.  An environment
is a command template; {image}, {cpus}, {cmdline} and {timeout} are filled
in.  Each environment also says how to turn its exit status back into the
guest's own exit code (include/vmi/abi.h)."""

import fcntl
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
VMI_RUN = os.path.join(BUILD, "monitor", "vmi-run")



def _defines(path, prefix):
    """{NAME: value} of each `#define PREFIXNAME <number>` in (path), the
    one place each code is written: these scripts read, never copy."""
    with open(os.path.join(ROOT, path)) as f:
        return {m.group(1): int(m.group(2), 0) for m in re.finditer(
            r"^#define " + prefix + r"(\w+)\s+(\d+|0x[0-9a-fA-F]+)\b",
            f.read(), re.M)}


# Guest exit codes (include/vmi/abi.h VMI_EXIT_*) and vmi-run's own
# (monitor/mon_exit.h MON_EXIT_*; docs/vmi-run.md "Exit status").  A guest
# can end vmi-run only with one of its own codes, GUEST_CODES; any other
# value it gives is a guest fault (70) or, in a Hyper-V crash report, a
# crash (5).  So every other status is vmi-run's, and comes with one line
# on stderr: the runners judge by these.
_VMI = _defines("include/vmi/abi.h", "VMI_EXIT_")
_MON = _defines("monitor/mon_exit.h", "MON_EXIT_")
EXIT_OK, EXIT_FAIL, EXIT_WRONG_HV = _VMI["OK"], _VMI["FAIL"], _VMI["WRONG_HV"]
EXIT_CRASH, EXIT_REBOOT = _VMI["CRASH"], _VMI["REBOOT"]
EXIT_SKIP, EXIT_ERROR = _VMI["SKIP"], _VMI["ERROR"]
GUEST_CODES = (frozenset(range(_MON["GUEST_MAX"] + 1)) |
               {EXIT_SKIP, EXIT_ERROR})
VMI_RUN_NO_KVM, VMI_RUN_GUEST_FAULT = _MON["UNAVAIL"], _MON["CRASH"]
VMI_RUN_HOST_ERROR, VMI_RUN_TIMEOUT = _MON["HOST"], _MON["TIMEOUT"]
VMI_RUN_STATUSES = {
    _MON["USAGE"]: "bad usage", _MON["DATAERR"]: "bad image",
    _MON["NOINPUT"]: "image cannot be read",
    VMI_RUN_NO_KVM: "KVM unavailable", VMI_RUN_GUEST_FAULT: "guest fault",
    VMI_RUN_HOST_ERROR: "host error",
    VMI_RUN_TIMEOUT: "timeout or stop signal",
}


def vmi_run_line(stderr):
    """vmi-run's own last line on stderr ("vmi-run: ..."), or ''."""
    if isinstance(stderr, bytes):
        stderr = stderr.decode(errors="replace")
    lines = [l for l in stderr.splitlines() if l.startswith("vmi-run: ")]
    return lines[-1] if lines else ""


def vmi_run_no_kvm(status, stderr):
    """Why vmi-run could not use KVM, or None: status 69 together with its
    line naming KVM.  Only this makes a test a skip; a 69 without the
    line did not come from vmi-run's KVM checks."""
    line = vmi_run_line(stderr)
    if status == VMI_RUN_NO_KVM and "kvm" in line.lower():
        return line
    return None

QEMU = "qemu-system-x86_64"
QEMU_COMMON = [QEMU, "-m", "256", "-display", "none", "-serial", "stdio",
               "-no-reboot", "-nodefaults",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]

# KVM's Hyper-V emulation through QEMU's hv-* flags: every enlightenment
# the kvm backend can use that QEMU 7.2 and Linux 6.1's KVM accept.
QEMU_HV_FLAGS = ("hv-relaxed,hv-vpindex,hv-time,hv-synic,hv-stimer,"
                 "hv-stimer-direct,hv-tlbflush,hv-ipi,hv-reset,hv-crash,"
                 "hv-frequencies,hv-runtime,hv-vapic")
# A guest that reports through the crash MSRs (hv-crash) is a "guest panic"
# to QEMU, whose default action ends QEMU with status 0, the exit code
# lost.  The environment asks QEMU to take no action: the hyperv backend
# then goes on to the debug-exit port with its code (docs/vmi-api.md).
QEMU_HV_ACTION = ["-action", "panic=none"]


def set_build(path):
    """Use the build directory at path instead of ROOT/build."""
    global BUILD, VMI_RUN
    BUILD = os.path.abspath(path)
    VMI_RUN = os.path.join(BUILD, "monitor", "vmi-run")


_lists = {}


def lists():
    """The lists meson.build keeps, as it wrote them into the build
    directory (vmi-lists.json; docs/build.md "Lists"): "backends", those
    configured, in order, and "personalities", vmi-run's --hv values."""
    path = os.path.join(BUILD, "vmi-lists.json")
    if path not in _lists:
        try:
            with open(path) as f:
                _lists[path] = json.load(f)
        except OSError as exc:
            raise SystemExit(f"vmienv: cannot read {path} ({exc.strerror}): "
                             "configure the build first (./scripts/build)")
    return _lists[path]


def backends():
    """The backends of this build, in meson.build's order."""
    return lists()["backends"]


def kvm_usable():
    return kvm_extension(0) is not None


# <linux/kvm.h>: the ioctl, and the Hyper-V capabilities QEMU_HV_FLAGS need.
KVM_CHECK_EXTENSION = 0xAE03
KVM_CAP_HYPERV, KVM_CAP_HYPERV_SYNIC, KVM_CAP_HYPERV_VP_INDEX = 44, 123, 149
KVM_CAP_HYPERV_TLBFLUSH, KVM_CAP_HYPERV_SEND_IPI = 155, 161
KVM_HV_CAPS = (KVM_CAP_HYPERV, KVM_CAP_HYPERV_SYNIC, KVM_CAP_HYPERV_VP_INDEX,
               KVM_CAP_HYPERV_TLBFLUSH, KVM_CAP_HYPERV_SEND_IPI)


def kvm_extension(cap):
    """KVM_CHECK_EXTENSION(cap) on /dev/kvm, or None without a usable
    /dev/kvm.  Capability 0 is never offered, so it tests only access."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError:
        return None
    try:
        return fcntl.ioctl(fd, KVM_CHECK_EXTENSION, cap) if cap else 0
    except OSError:
        return None
    finally:
        os.close(fd)


def kvm_is_software():
    """Whether /dev/kvm is kvm-pvm, the software KVM that interprets guest
    kernel code and lets no VMCALL through (docs/lab.md)."""
    return os.path.isdir("/sys/module/kvm_pvm")


def lab_envs(envs):
    """Those of (envs) that this host cannot run but the lab can (a real
    KVM, with Hyper-V emulation: docs/lab.md).  Only for the user-facing
    wrappers (scripts/demo, scripts/conform set VMI_AUTO_LAB=1): a test
    under `meson test` skips instead, and scripts/suite.py reruns it in the
    lab.  Empty inside the lab (VMI_LAB) and with VMI_NO_LAB=1."""
    if os.environ.get("VMI_AUTO_LAB") != "1" or os.environ.get("VMI_LAB") \
            or os.environ.get("VMI_NO_LAB") == "1":
        return []
    return [e for e in envs if missing(e) and ENVIRONMENTS[e][2] in LAB_HAS]


# Nested guests the lab runs at once.  Two KVM guests running side by side
# in the lab corrupted one another or the lab's own kernel (QEMU's emulated
# SVM; docs/lab.md, "One nested guest at a time"); one at a time did not.
LAB_JOBS = 1


def jobs(wanted):
    """How many guests to run at once: (wanted), but LAB_JOBS in the lab."""
    return min(wanted, LAB_JOBS) if os.environ.get("VMI_LAB") else wanted


# What the lab supplies whatever the host has (ENVIRONMENTS' "needs").
LAB_HAS = {"vmi-run", "qemu-kvm", "kvm-hyperv"}


def run_in_lab(argv, share=None):
    """Run (argv), a Python script and its arguments, in the lab; its
    status.  (share): a host directory it may write."""
    lab = [sys.executable, os.path.join(ROOT, "scripts", "lab.py")]
    if share:
        lab += ["--share", share]
    return subprocess.run(lab + ["--", sys.executable] + argv).returncode


def _vmi_run(hv):
    def cmd(image, cpus, cmdline, timeout):
        return [VMI_RUN, "--hv", hv, "--cpus", str(cpus), "--timeout",
                str(timeout), "--cmdline", cmdline, image]
    return cmd


# QEMU's minimal firmware, when installed: SeaBIOS runs its real-mode
# POST interpreted by kvm-pvm (about 1 us per instruction), which makes a
# QEMU KVM boot take 3-5 s; qboot boots the same PVH image in about 0.5 s.
# The machine the guest sees is the same (QEMU builds the ACPI tables).
QBOOT = "/usr/share/qemu/qboot.rom"


def _qemu(accel, hv=None):
    def cmd(image, cpus, cmdline, timeout):
        extra = ["-accel", accel]
        if accel == "kvm":
            # KVM's PV features stay on: the kvm backend uses them.
            cpu = "host"
            if hv:
                cpu, extra = "host," + hv, extra + QEMU_HV_ACTION
            extra += ["-cpu", cpu]
            if os.path.exists(QBOOT):
                extra += ["-bios", QBOOT]
        return QEMU_COMMON + extra + ["-smp", str(cpus), "-kernel", image,
                                      "-append", cmdline]
    return cmd


# UEFI firmware for QEMU (Debian: ovmf): one image, code and variables.
OVMF = "/usr/share/ovmf/OVMF.fd"


# vmi-mkiso's status when a tool or GRUB platform is missing.
MKISO_MISSING = 69


def make_iso(mkiso, image, iso, cmdline="", grub_cmds=()):
    """Make (iso) from (image) with vmi-mkiso (mkiso), (cmdline) and GRUB
    commands (grub_cmds) run before the kernel is loaded.  Returns None
    once it is written, else ("SKIP" or "FAIL", one line why)."""
    argv = [mkiso] + [a for c in grub_cmds for a in ("--grub-cmd", c)]
    mk = subprocess.run(argv + [image, iso] + cmdline.split(),
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                        text=True)
    if mk.returncode == MKISO_MISSING:
        return "SKIP", mk.stdout.strip().splitlines()[-1]
    if mk.returncode != 0:
        return "FAIL", f"vmi-mkiso status {mk.returncode}\n{mk.stdout}"
    return None


def _qemu_iso(firmware):
    """Boot media: (image) is an ISO from vmi-mkiso, which carries the
    command line in its grub.cfg (cmdline is ignored), booted from a
    CD-ROM under QEMU TCG by SeaBIOS (QEMU's default) or OVMF."""
    def cmd(image, cpus, cmdline, timeout):
        extra = ["-accel", "tcg", "-smp", str(cpus), "-cdrom", image]
        if firmware == "uefi":
            extra += ["-bios", OVMF]
        return QEMU_COMMON + extra
    return cmd


def _vmi_run_code(status):
    # A guest code, or 70: the guest failed (a crash vmi-run saw, or a
    # code that is not a guest code); vmi-run's other statuses are none.
    if status in GUEST_CODES or status == VMI_RUN_GUEST_FAULT:
        return status
    return None


# Real Xen (scripts/xenlab.py, docs/lab.md "Real Xen"): one QEMU TCG boot
# of Xen with a Linux dom0 in which scripts/xendomu.py runs each image as
# a PVH domU.  Booting Xen costs half a minute or more, so the runners
# batch: prefetch() runs every job of a matrix in one boot; run() of a
# job nobody prefetched boots Xen for it alone.
XENLAB = os.path.join(ROOT, "scripts", "xenlab")
XENDOMU = os.path.join(ROOT, "scripts", "xendomu.py")
XENLAB_BOOT = 300               # seconds allowed for Xen and dom0 to boot
XENLAB_SETUP_FAILED = 125       # scripts/lab's own statuses
XENLAB_KILLED = 124


def _xen(image, cpus, cmdline, timeout):
    return [XENLAB, "--timeout", str(XENLAB_BOOT + timeout + 60), "--",
            "python3", XENDOMU, "--cpus", str(cpus), "--cmdline", cmdline,
            "--timeout", str(timeout), image]


def _xen_code(status):
    # xendomu.py exits with the guest's code as vmi-run would (0, N from
    # "vmi: exit N", 5 crash, 6 reboot, 70 stopped, 71 host error, 124
    # timeout); 125 is the lab failing to come up.
    return None if status == XENLAB_SETUP_FAILED else status


def _qemu_code(status):
    # isa-debug-exit makes QEMU exit with (v << 1) | 1.  Any other status
    # (0 after a triple fault with -no-reboot, 1 for a QEMU error) is not a
    # guest code.
    if status & 1 and status > 0:
        return status >> 1
    return None


# The raw exit status with which each kind of environment reports that
# the guest reset the machine: vmi-run's documented 6 (VMI_EXIT_REBOOT),
# QEMU -no-reboot's plain exit 0 (the same status as a power-off without a
# code or a triple fault: QEMU cannot tell them apart by its status).
RESET_STATUS = {_vmi_run_code: 6, _qemu_code: 0, _xen_code: 6}

# The one list of environments: name -> (command builder, status ->
# guest code, needs, what it is, the hypervisor interfaces it offers
# besides the plain PC: the backends that run there, see runs_on()).
# QEMU with hv-* flags offers KVM's own leaves too (at 0x40000100), so a
# kvm image runs there: an environment may offer two interfaces.
ENVIRONMENTS = {
    "vmi-run-pc": (_vmi_run("pc"), _vmi_run_code, "vmi-run",
                   "vmi-run, plain PC (full virtualization)", set()),
    "vmi-run-kvm": (_vmi_run("kvm"), _vmi_run_code, "vmi-run",
                    "vmi-run, KVM personality", {"kvm"}),
    "vmi-run-xen": (_vmi_run("xen"), _vmi_run_code, "vmi-run",
                    "vmi-run, Xen personality", {"xen"}),
    "vmi-run-hyperv": (_vmi_run("hyperv"), _vmi_run_code, "vmi-run",
                       "vmi-run, Hyper-V personality", {"hyperv"}),
    "qemu-tcg": (_qemu("tcg"), _qemu_code, "qemu",
                 "QEMU TCG: emulated bare metal", set()),
    "qemu-kvm": (_qemu("kvm"), _qemu_code, "qemu-kvm",
                 "QEMU with KVM acceleration", {"kvm"}),
    "qemu-kvm-hyperv": (_qemu("kvm", QEMU_HV_FLAGS), _qemu_code, "kvm-hyperv",
                        "QEMU with KVM's Hyper-V emulation (hv-* flags)",
                        {"kvm", "hyperv"}),
    "qemu-kvm-hyperv-pt": (_qemu("kvm", "hv-passthrough"), _qemu_code,
                           "kvm-hyperv", "QEMU with KVM's Hyper-V emulation "
                           "(hv-passthrough: every enlightenment KVM has)",
                           {"kvm", "hyperv"}),
    "xen": (_xen, _xen_code, "xenlab",
            "real Xen 4.17, PVH domU (scripts/xenlab, QEMU TCG)", {"xen"}),
}

# Environments that take a whole batch of images per start (run_batch).
BATCHED = {"xen"}

# The backends the auto image (backends/auto) holds, in the order of its
# probe (auto.c's auto_backends, docs/vmi-api.md 2.7): the first whose
# hypervisor's interface the environment offers, else native, which runs
# everywhere.  So auto runs wherever any of them does, which is everywhere.
AUTO = "auto"
AUTO_PROBE = ("xen", "hyperv", "kvm", "native")


def offers(env):
    """The hypervisor interfaces (env) offers (ENVIRONMENTS; a boot medium
    of MEDIA offers none)."""
    return ENVIRONMENTS[env][4] if env in ENVIRONMENTS else set()


def runs_on(backend):
    """The environments in which a kernel linked for (backend) must run; in
    every other one it must refuse with VMI_EXIT_WRONG_HV
    (docs/conformance.md): a native image everywhere, another where its
    hypervisor's interface is offered.  (A native image runs on real Xen
    too, but see UNOBSERVABLE.)"""
    if backend == AUTO:
        return [e for e in ENVIRONMENTS
                if any(e in runs_on(b) for b in AUTO_PROBE)]
    return [e for e in ENVIRONMENTS
            if backend == "native" or backend in offers(e)]


def chosen(backend, env, cmdline=""):
    """The backend an image linked for (backend) runs as in (env): itself,
    or for auto what vmi.backend= on (cmdline) names, else the first of
    AUTO_PROBE that (env) offers."""
    if backend != AUTO:
        return backend
    m = re.search(r"(?:^| )vmi\.backend=(\S*)", cmdline)
    if m:
        return m.group(1)
    return next(b for b in AUTO_PROBE if b == "native" or b in offers(env))


# (environment, backend) cells whose outcome the environment cannot show.
# A PVH domU of real Xen has no UART and no debug-exit port: the native
# backend's console (port 0x3f8) goes nowhere, and its ending, a halt with
# interrupts off, makes Xen power the domain off as if all went well
# (xen/arch/x86/hvm/hvm.c: hvm_hlt() with interrupts disabled takes the
# vCPU down, and the domain shuts down with SHUTDOWN_poweroff once no vCPU
# is left).  A refusal is visible: the kvm and hyperv images write it to
# port 0xe9, which Xen logs as "(dN) ...", and end by a triple fault,
# which Xen reports as a reboot.
UNOBSERVABLE = {
    ("xen", "native"): "a PVH domU has no UART: the native image runs "
                       "unseen and ends as a power-off (docs/conformance.md)"}


def unobservable(backend, env):
    """Why env cannot show what an image of backend did, or None."""
    return UNOBSERVABLE.get((env, backend.split("-")[0]))


# Boot media (vmi-mkiso ISOs), kept apart from ENVIRONMENTS: an image
# there is a kernel, here an ISO.  The same fields; run() and missing()
# take either.
MEDIA = {
    "qemu-tcg-iso-bios": (_qemu_iso("bios"), _qemu_code, "qemu",
                          "QEMU TCG, SeaBIOS, GRUB from a vmi-mkiso ISO"),
    "qemu-tcg-iso-uefi": (_qemu_iso("uefi"), _qemu_code, "ovmf",
                          "QEMU TCG, OVMF (UEFI), GRUB from a vmi-mkiso ISO"),
}


def _env(name):
    return ENVIRONMENTS[name] if name in ENVIRONMENTS else MEDIA[name]


STATUS_MAPS = {"direct": _vmi_run_code, "qemu": _qemu_code}


def add_external(name, template, status="direct", hv="none"):
    """Add an environment the user names: (template) is a command line
    with {image}, {cpus}, {cmdline} and {timeout}, split like a shell
    would; (status) says how its exit status carries the guest code
    ("direct": the status is the code, as vmi-run; "qemu": (v << 1) | 1);
    (hv) is the hypervisor it presents, "none" or a backend's name:
    native images must run on it, as must images for that hypervisor."""
    words = shlex.split(template)
    if not any("{image}" in w for w in words):
        raise ValueError("the template has no {image}")

    def cmd(image, cpus, cmdline, timeout):
        fill = {"image": image, "cpus": str(cpus), "cmdline": cmdline,
                "timeout": str(timeout)}
        return [w.format(**fill) for w in words]
    ENVIRONMENTS[name] = (cmd, STATUS_MAPS[status], "external:" + words[0],
                          "external: " + template,
                          set() if hv == "none" else {hv})


def missing(env):
    """Why env cannot run on this machine, or None if it can."""
    need = _env(env)[2]
    if need.startswith("external:"):
        prog = need.split(":", 1)[1]
        if shutil.which(prog) is None and not os.access(prog, os.X_OK):
            return f"{prog} not found"
        return None
    if need == "vmi-run":
        if not os.access(VMI_RUN, os.X_OK):
            return "vmi-run not built"
        if not kvm_usable():
            return "no usable /dev/kvm"
        hv = env.split("-")[-1]
        if hv not in personalities():
            return f"vmi-run has no {hv} personality yet"
    if need == "ovmf" and not os.path.exists(OVMF):
        return f"no UEFI firmware {OVMF} (Debian: ovmf)"
    if need.startswith(("qemu", "kvm-", "ovmf")) and shutil.which(QEMU) is None:
        return "qemu-system-x86_64 not installed"
    if need in ("qemu-kvm", "kvm-hyperv") and not kvm_usable():
        return "no usable /dev/kvm"
    if need == "qemu-kvm" and kvm_is_software():
        # VMCALL never reaches it, so QEMU's KVM PV features (PV IPI,
        # yield, kick) would hang the kvm backend: hiding them would test
        # less here than everywhere else.
        return "a software KVM (kvm-pvm) that lets no VMCALL through"
    if need == "kvm-hyperv" and not all(kvm_extension(c) for c in KVM_HV_CAPS):
        return "this KVM lacks Hyper-V emulation (KVM_CAP_HYPERV*)"
    if need == "xenlab":
        if shutil.which(QEMU) is None:
            return "qemu-system-x86_64 not installed"
        if not os.path.exists(os.path.join(ROOT, "build", "lab", "xen.elf")) \
                and shutil.which("apt-get") is None:
            return "no Xen in build/lab and no apt-get to fetch it"
    return None


_personalities = {}


def personalities():
    """The personalities this vmi-run implements, from the line
    "personalities: ..." of its --help (empty without a vmi-run)."""
    if VMI_RUN in _personalities:
        return _personalities[VMI_RUN]
    try:
        text = subprocess.run([VMI_RUN, "--help"], capture_output=True,
                              text=True).stdout
    except OSError:
        return set()
    found = set()
    for line in text.splitlines():
        if line.strip().startswith("personalities:"):
            found = set(line.split(":", 1)[1].split())
    _personalities[VMI_RUN] = found
    return found


def expected_code(backend, env):
    return EXIT_OK if env in runs_on(backend) else EXIT_WRONG_HV


class Result:
    def __init__(self, code, output, seconds, note, status=None, raw=b"",
                 argv=()):
        self.code = code          # guest exit code, or None
        self.output = output      # what the guest printed (stdout+stderr)
        self.seconds = seconds
        self.note = note          # why there is no code, if there is none
        self.status = status      # the environment's own exit status
        self.raw = raw            # the output as bytes, unchanged
        self.argv = list(argv)    # the command that ran

    def timed_out(self):
        return self.note is not None and "timeout" in self.note or \
            self.note == "timed out"


def qemu_error(out):
    for line in out.splitlines():
        if line.startswith(QEMU + ": ") and "warning:" not in line:
            return line.strip()
    return None


def is_reset(env, res):
    """Whether the environment reported a machine reset (RESET_STATUS)."""
    return res.status == RESET_STATUS.get(_env(env)[1])


_prefetched = {}


def nested_svm(env):
    """Whether env's guests run under an SVM that QEMU's TCG emulates (the
    lab's KVM, real Xen), which does not restore the STI interrupt shadow
    on VMRUN: about 1-3 % of 2-vCPU runs lose a wake-up (docs/lab.md)."""
    return env in BATCHED or bool(os.environ.get("VMI_LAB"))


def run(image, env, cpus=1, cmdline="", timeout=120, vmi_run_args=()):
    """Boot (image) in (env).  (vmi_run_args): options for vmi-run
    itself (docs/vmi-run.md), before the image; only in vmi-run's
    environments."""
    key = (env, image, cpus, cmdline)
    if _prefetched.get(key) and not vmi_run_args:
        return _prefetched[key].pop(0)
    build, to_code = _env(env)[0], _env(env)[1]
    argv = build(image, cpus, cmdline, timeout)
    if vmi_run_args:
        if to_code is not _vmi_run_code or argv[0] != VMI_RUN:
            raise ValueError(f"vmi-run options for {env}, which is not vmi-run")
        argv = argv[:-1] + list(vmi_run_args) + argv[-1:]
    start = time.monotonic()
    try:
        # stderr apart, then after stdout: the lab's QEMU carries the two
        # on two consoles, and one pipe for both spliced Xen's log into
        # the middle of a guest's line.
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              # a batched environment boots a hypervisor
                              timeout=timeout + 10 +
                              (XENLAB_BOOT + 60 if env in BATCHED else 0))
    except subprocess.TimeoutExpired as exc:
        raw = (exc.stdout or b"") + (exc.stderr or b"")
        return Result(None, raw.decode(errors="replace"),
                      time.monotonic() - start, "timed out", raw=raw, argv=argv)
    except OSError as exc:
        return Result(None, "", 0.0, f"cannot run {argv[0]}: {exc.strerror}",
                      argv=argv)
    seconds = time.monotonic() - start
    raw = proc.stdout + proc.stderr
    out = raw.decode(errors="replace")
    if proc.returncode < 0:
        return Result(None, out, seconds, f"killed by signal {-proc.returncode}",
                      proc.returncode, raw, argv)
    code = to_code(proc.returncode)
    note = None if code is not None else f"exit status {proc.returncode}"
    failed = qemu_error(out) if to_code is _qemu_code else None
    if failed:
        # Status 1 is both QEMU's own failure and a guest's exit code 0
        # through isa-debug-exit: QEMU's "qemu-system-x86_64: ..." line
        # tells them apart.
        code, note = None, failed
    if to_code is _vmi_run_code and proc.returncode == VMI_RUN_TIMEOUT:
        code, note = None, "vmi-run watchdog: timeout"
    elif to_code is _vmi_run_code and code is None:
        what = VMI_RUN_STATUSES.get(proc.returncode, "not a documented "
                                    "status")
        line = vmi_run_line(proc.stderr)
        note = f"vmi-run status {proc.returncode} ({what})" + \
            (f": {line}" if line else "")
    if to_code is _xen_code and proc.returncode in (XENLAB_KILLED,
                                                   XENLAB_SETUP_FAILED):
        code, note = None, ("xenlab: timeout" if proc.returncode ==
                            XENLAB_KILLED else "xenlab could not start Xen")
    return Result(code, out, seconds, note, proc.returncode, raw, argv)


def run_batch(env, jobs, timeout=120):
    """Results of (image, cpus, cmdline) jobs, in order.  A BATCHED
    environment runs them all in one start; others one run() each."""
    if env not in BATCHED:
        return [run(image, env, cpus, cmdline, timeout)
                for image, cpus, cmdline in jobs]
    spec = [{"image": os.path.abspath(image), "cpus": cpus,
             "cmdline": cmdline, "timeout": timeout}
            for image, cpus, cmdline in jobs]
    total = XENLAB_BOOT + sum(timeout + 60 for _ in jobs)
    argv = [XENLAB, "--timeout", str(total), "--", "python3", XENDOMU,
            "--batch", json.dumps(spec)]
    start = time.monotonic()
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        return [Result(None, "", 0.0, f"cannot run {argv[0]}: {exc.strerror}",
                       argv=argv) for _ in jobs]
    found = [json.loads(line.split(b" ", 1)[1])
             for line in proc.stdout.splitlines()
             if line.startswith(b"xendomu-result: ")]
    results = []
    for i, _ in enumerate(jobs):
        if i >= len(found):
            why = proc.stderr.decode(errors="replace").strip().splitlines()
            note = f"the Xen lab ended (status {proc.returncode}) before " \
                   "this job" + (f": {why[-1]}" if why else "")
            results.append(Result(None, "", time.monotonic() - start, note,
                                  argv=argv))
            continue
        results.append(_xen_result(found[i], argv))
    return results


def _xen_result(out, argv):
    """A Result from one of xendomu.py's: the console exactly as the guest
    wrote it (bytes as latin-1 code points) and its port 0xe9 lines, then
    Xen's log of the run."""
    raw = out["console"].encode("latin-1")
    text = raw.decode(errors="replace") + out.get("debug", "")
    if out["xen_log"]:
        text += "".join("xen: " + l + "\n" for l in out["xen_log"].splitlines())
    code = out["code"]
    note = out["note"]
    if code == XENLAB_KILLED:
        code, note = None, f"timeout: {note}"
    return Result(code, text, out["seconds"] or 0.0,
                  note if code is None else None, code, raw, argv)


def prefetch(env, jobs, timeout=120):
    """Run (image, cpus, cmdline) jobs in one batch now; run() then
    answers each from the batch (once) instead of starting env again."""
    for job, res in zip(jobs, run_batch(env, jobs, timeout)):
        _prefetched.setdefault((env,) + tuple(job), []).append(res)


def images():
    """backend name -> built kernel image path."""
    found = {}
    for backend in backends():
        path = os.path.join(BUILD, "guest-kernel", f"kernel-{backend}.elf")
        if os.path.exists(path):
            found[backend] = path
    return found


def check_personalities():
    """The test personalities-agree: vmi-run's --help names the
    personalities meson.build lists.  Without it, missing() would turn a
    personality vmi-run lost (or a --help without the line) into SKIPs of
    every test in its environments.  Exit status 0 pass, 1 fail, 77 skip
    (no vmi-run built)."""
    if not os.access(VMI_RUN, os.X_OK):
        print("SKIP: vmi-run not built")
        return 77
    have, want = personalities(), set(lists()["personalities"])
    if have != want:
        print("FAIL: vmi-run --help names the personalities %s, "
              "meson.build's list is %s" % (sorted(have), sorted(want)))
        return 1
    print("PASS: vmi-run has the personalities " + " ".join(sorted(want)))
    return 0


def main(argv):
    """For meson.build: (--runs-on) the cells of the matrix a test can
    see, one line per backend of the build: the backend, then the
    environments where it must run (runs_on) and which show its outcome
    (not UNOBSERVABLE); (--check-personalities) check_personalities()."""
    import argparse
    ap = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    ap.add_argument("--build", default=BUILD)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--runs-on", action="store_true")
    mode.add_argument("--check-personalities", action="store_true")
    args = ap.parse_args(argv)
    set_build(args.build)
    if args.check_personalities:
        return check_personalities()
    for b in backends():
        print(" ".join([b] + [e for e in runs_on(b)
                              if not unobservable(b, e)]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
