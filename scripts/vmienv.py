# SPDX-License-Identifier: MIT
"""scripts/vmienv.py: the environments a vmi kernel image can boot in, how
to start one, and what outcome each (image, environment) cell should have.

Shared by scripts/demo and the conformance matrix runner.  An environment
is a command template; {image}, {cpus}, {cmdline} and {timeout} are filled
in.  Each environment also says how to turn its exit status back into the
guest's own exit code (include/vmi/abi.h)."""

import os
import shutil
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
VMI_RUN = os.path.join(BUILD, "monitor", "vmi-run")

# Guest exit codes (include/vmi/abi.h) and vmi-run's own (docs/vmi-run.md).
EXIT_OK, EXIT_FAIL, EXIT_WRONG_HV = 0, 1, 3
EXIT_SKIP, EXIT_ERROR = 77, 99
VMI_RUN_NO_KVM, VMI_RUN_TIMEOUT = 69, 124

QEMU = "qemu-system-x86_64"
QEMU_COMMON = [QEMU, "-m", "256", "-display", "none", "-serial", "stdio",
               "-no-reboot", "-nodefaults",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
# On this host VMCALL never reaches anyone, so QEMU must not advertise the
# KVM features that need it (shared/DESIGN.md).
QEMU_KVM_CPU = "host,-kvm-pv-ipi,-kvm-pv-sched-yield,-kvm-pv-unhalt"


def kvm_usable():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


def _vmi_run(hv):
    def cmd(image, cpus, cmdline, timeout):
        return [VMI_RUN, "--hv", hv, "--cpus", str(cpus), "--timeout",
                str(timeout), "--cmdline", cmdline, image]
    return cmd


def _qemu(accel):
    def cmd(image, cpus, cmdline, timeout):
        extra = ["-accel", accel]
        if accel == "kvm":
            extra += ["-cpu", QEMU_KVM_CPU]
        return QEMU_COMMON + extra + ["-smp", str(cpus), "-kernel", image,
                                      "-append", cmdline]
    return cmd


def _vmi_run_code(status):
    return status


def _qemu_code(status):
    # isa-debug-exit makes QEMU exit with (v << 1) | 1.  Any other status
    # (0 after a triple fault with -no-reboot, 1 for a QEMU error) is not a
    # guest code.
    if status & 1 and status > 0:
        return status >> 1
    return None


# name -> (command builder, status -> guest code, needs, what it is)
ENVIRONMENTS = {
    "vmi-run-pc": (_vmi_run("pc"), _vmi_run_code, "vmi-run",
                   "vmi-run, plain PC (full virtualization)"),
    "vmi-run-kvm": (_vmi_run("kvm"), _vmi_run_code, "vmi-run",
                    "vmi-run, KVM personality"),
    "vmi-run-xen": (_vmi_run("xen"), _vmi_run_code, "vmi-run",
                    "vmi-run, Xen personality"),
    "vmi-run-hyperv": (_vmi_run("hyperv"), _vmi_run_code, "vmi-run",
                       "vmi-run, Hyper-V personality"),
    "qemu-tcg": (_qemu("tcg"), _qemu_code, "qemu",
                 "QEMU TCG: emulated bare metal"),
    "qemu-kvm": (_qemu("kvm"), _qemu_code, "qemu-kvm",
                 "QEMU with KVM acceleration"),
}

# The environments in which a kernel linked for each backend must run; in
# every other one it must refuse with VMI_EXIT_WRONG_HV (shared/DESIGN.md).
RUNS_ON = {
    "native": set(ENVIRONMENTS),
    "kvm": {"vmi-run-kvm", "qemu-kvm"},
    "xen": {"vmi-run-xen"},
    "hyperv": {"vmi-run-hyperv"},
}


def missing(env):
    """Why env cannot run on this machine, or None if it can."""
    need = ENVIRONMENTS[env][2]
    if need == "vmi-run":
        if not os.access(VMI_RUN, os.X_OK):
            return "vmi-run not built"
        if not kvm_usable():
            return "no usable /dev/kvm"
        hv = env.split("-")[-1]
        if hv not in personalities():
            return f"vmi-run has no {hv} personality yet"
    if need.startswith("qemu") and shutil.which(QEMU) is None:
        return "qemu-system-x86_64 not installed"
    if need == "qemu-kvm" and not kvm_usable():
        return "no usable /dev/kvm"
    return None


def personalities():
    """The personalities this vmi-run implements, from its --help."""
    try:
        text = subprocess.run([VMI_RUN, "--help"], capture_output=True,
                              text=True).stdout
    except OSError:
        return set()
    for line in text.splitlines():
        if line.strip().startswith("personalities:"):
            return set(line.split(":", 1)[1].split())
    return set()


def expected_code(backend, env):
    return EXIT_OK if env in RUNS_ON.get(backend, ()) else EXIT_WRONG_HV


class Result:
    def __init__(self, code, output, seconds, note):
        self.code = code          # guest exit code, or None
        self.output = output      # what the guest printed (stdout+stderr)
        self.seconds = seconds
        self.note = note          # why there is no code, if there is none


def run(image, env, cpus=1, cmdline="", timeout=120):
    build, to_code = ENVIRONMENTS[env][0], ENVIRONMENTS[env][1]
    argv = build(image, cpus, cmdline, timeout)
    start = time.monotonic()
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout + 10)
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode(errors="replace")
        return Result(None, out, time.monotonic() - start, "timed out")
    seconds = time.monotonic() - start
    out = proc.stdout.decode(errors="replace")
    if proc.returncode < 0:
        return Result(None, out, seconds, f"killed by signal {-proc.returncode}")
    code = to_code(proc.returncode)
    note = None if code is not None else f"exit status {proc.returncode}"
    if env.startswith("vmi-run") and proc.returncode == VMI_RUN_TIMEOUT:
        code, note = None, "vmi-run watchdog: timeout"
    return Result(code, out, seconds, note)


def images():
    """backend name -> built kernel image path."""
    found = {}
    for backend in RUNS_ON:
        path = os.path.join(BUILD, "guest-kernel", f"kernel-{backend}.elf")
        if os.path.exists(path):
            found[backend] = path
    return found
