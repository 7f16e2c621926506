#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/lab.py: the lab, a Linux VM that gives any machine a real KVM.

    scripts/lab [--cpus N] [--mem MiB] [--timeout S] [--share DIR] -- CMD ...

runs CMD inside a Linux VM under QEMU TCG whose emulated AMD SVM with
nested paging lets Debian's own kernel load kvm_amd and offer a real
/dev/kvm, whatever the host has (docs/lab.md).  The host's files are
visible at the same paths (the host's root over 9p, read-only, with a RAM
overlay on top, so writes succeed and vanish; --share DIR makes one
directory writable through to the host), CMD runs in the same
directory with the same environment, its stdout and stderr come back on
ours, and its exit status is ours.

The lab's own statuses, which CMD's cannot be told from except by the
one line on stderr that names them:
    125  the lab could not be set up (packages, QEMU, the VM's init)
    124  the lab stalled (no heartbeat) or ran past --timeout: killed

The kernel and busybox come from Debian's archive as .deb files unpacked
into build/lab (no other download); the initramfs is made here."""

import argparse
import contextlib
import fcntl
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB = os.path.join(ROOT, "build", "lab")
INIT = os.path.join(ROOT, "scripts", "lab-init")
LAB_SETUP_FAILED, LAB_KILLED = 125, 124

# Modules the lab loads, in an order that satisfies their dependencies
# (checked when the initramfs is made): virtio and its consoles, 9p for
# the host's files, overlay for a writable root, kvm_amd for /dev/kvm.
MODULES = ["virtio_ring", "virtio", "virtio_pci_modern_dev",
           "virtio_pci_legacy_dev", "virtio_pci", "virtio_console",
           "9pnet", "9pnet_virtio", "netfs", "fscache", "9p", "overlay",
           "irqbypass", "kvm", "ccp", "kvm-amd"]

# How long the heartbeat may be silent before the lab counts as stalled.
STALL_SECONDS = 120


def die(msg, status=LAB_SETUP_FAILED):
    print(f"lab: {msg}", file=sys.stderr)
    sys.exit(status)


def apt_download(names, dest):
    """Fetch the named Debian packages into dest (apt-get download).  The
    package lists are refreshed once if a name is unknown."""
    for attempt in (0, 1):
        res = subprocess.run(["apt-get", "download", "-q"] + names, cwd=dest,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
        if res.returncode == 0:
            return
        if attempt == 0:
            subprocess.run(["apt-get", "update", "-qq"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    said = res.stderr.strip().splitlines()
    die("apt-get download " + " ".join(names) + " failed" +
        (": " + said[-1] if said else ""))


def kernel_package():
    """linux-image-amd64's versioned kernel package (its one dependency)."""
    out = subprocess.run(["apt-cache", "depends", "linux-image-amd64"],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        word = line.strip().split(":", 1)
        if word[0] == "Depends" and word[1].strip().startswith("linux-image-"):
            return word[1].strip()
    return None


def unpack_debs(names, root, debs, done):
    """Download the named packages into debs and unpack them all into the
    directory root (dpkg-deb -x: files only, no maintainer scripts), unless
    the path done, relative to root, already exists."""
    if os.path.exists(os.path.join(root, done)):
        return root
    os.makedirs(debs, exist_ok=True)
    apt_download(names, debs)
    tmp = root + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    for deb in sorted(os.listdir(debs)):
        subprocess.run(["dpkg-deb", "-x", os.path.join(debs, deb), tmp],
                       check=True)
    os.replace(tmp, root)
    return root


def unpack_packages():
    """build/lab/root: linux-image and busybox-static, unpacked."""
    root = os.path.join(LAB, "root")
    if os.path.isdir(os.path.join(root, "boot")) and \
            os.path.exists(os.path.join(root, "bin", "busybox")):
        return root
    kpkg = kernel_package()
    if kpkg is None:
        subprocess.run(["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        kpkg = kernel_package() or die("no linux-image-amd64 in apt's lists")
    return unpack_debs([kpkg, "busybox-static"], root,
                       os.path.join(LAB, "debs"), os.path.join("bin", "busybox"))


def kernel_files(root):
    boot = os.path.join(root, "boot")
    vmlinuz = [f for f in os.listdir(boot) if f.startswith("vmlinuz-")]
    if len(vmlinuz) != 1:
        die(f"expected one kernel in {boot}, found {len(vmlinuz)}")
    release = vmlinuz[0][len("vmlinuz-"):]
    return os.path.join(boot, vmlinuz[0]), \
        os.path.join(root, "lib", "modules", release, "kernel")


def module_depends(path):
    """The depends= field of a .ko's .modinfo section."""
    with open(path, "rb") as f:
        data = f.read()
    at = data.find(b"\0depends=")
    if at < 0:
        return []
    end = data.index(b"\0", at + 1)
    deps = data[at + len(b"\0depends="):end].decode()
    return [d for d in deps.split(",") if d]


def find_modules(moddir, modules=MODULES):
    found = {}
    for dirpath, _, files in os.walk(moddir):
        for f in files:
            if f.endswith(".ko"):
                found[f[:-3].replace("_", "-")] = os.path.join(dirpath, f)
    order = []
    for name in modules:
        path = found.get(name.replace("_", "-"))
        if path is None:
            die(f"module {name} not in {moddir}")
        for dep in module_depends(path):
            if dep.replace("_", "-") not in [o.replace("_", "-") for o, _ in order]:
                die(f"module {name} needs {dep}, which is not loaded before it")
        order.append((name, path))
    return order


def cpio_entry(out, name, mode, data=b""):
    """One entry of a newc cpio archive (the initramfs format)."""
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join(f"{v:08x}" for v in (
        0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
    out.write(hdr.encode() + name_b)
    out.write(b"\0" * (-(110 + len(name_b)) % 4))
    out.write(data)
    out.write(b"\0" * (-len(data) % 4))


def make_initramfs(root, moddir, modules=MODULES, name="initramfs.cpio",
                   inputs=()):
    """build/lab/(name): busybox, scripts/lab-init as /init, and the
    modules, remade when (inputs), lab-init or this file are newer."""
    path = os.path.join(LAB, name)
    inputs = [INIT, __file__] + list(inputs)
    if os.path.exists(path) and all(os.path.getmtime(path) >=
                                    os.path.getmtime(i) for i in inputs):
        return path
    order = find_modules(moddir, modules)
    with open(path + ".tmp", "wb") as out:
        for d in ("bin", "proc", "sys", "dev", "modules", "lower", "upper",
                  "root"):
            cpio_entry(out, d, 0o040755)
        with open(os.path.join(root, "bin", "busybox"), "rb") as f:
            cpio_entry(out, "bin/busybox", 0o100755, f.read())
        with open(INIT, "rb") as f:
            cpio_entry(out, "init", 0o100755, f.read())
        names = []
        for name, mpath in order:
            with open(mpath, "rb") as f:
                cpio_entry(out, "modules/" + os.path.basename(mpath),
                           0o100644, f.read())
            names.append(os.path.basename(mpath))
        cpio_entry(out, "modules.order", 0o100644,
                   ("\n".join(names) + "\n").encode())
        cpio_entry(out, "TRAILER!!!", 0)
    os.replace(path + ".tmp", path)
    return path


@contextlib.contextmanager
def build_lock():
    """Held while build/lab is made: tests that start labs run two at a
    time, and on a fresh build both would unpack into the same place."""
    os.makedirs(LAB, exist_ok=True)
    with open(os.path.join(LAB, ".lock"), "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def prepare():
    """The lab's kernel and initramfs, made once into build/lab."""
    if shutil.which("qemu-system-x86_64") is None:
        die("qemu-system-x86_64 is not installed (scripts/setup)")
    with build_lock():
        root = unpack_packages()
        vmlinuz, moddir = kernel_files(root)
        return vmlinuz, make_initramfs(root, moddir)


# Variables the lab does not pass on: they name the host's terminal or
# session.
ENV_DROP = {"TERM", "SHLVL", "_", "OLDPWD", "PWD", "SSH_AUTH_SOCK",
            "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "DISPLAY"}

KEEPER = """\
# The keeper holds KVM VMs and vCPUs open for the lab's whole life, so KVM
# never flips the kernel's static keys while tests run (docs/lab.md: the
# kernel rewrites its own text when they flip, and under multi-threaded TCG
# that stalled or corrupted the lab).  Each object below holds one key
# above zero: a VM (preempt notifiers), a vCPU whose local APIC is
# software-disabled (as at reset) and one whose APIC is hardware-disabled
# (IA32_APIC_BASE 0), and a vCPU of a VM without an in-kernel irqchip.
exec python3 -c '
import fcntl, os, struct, sys, time
CREATE_VM, CREATE_VCPU, CREATE_IRQCHIP = 0xAE01, 0xAE41, 0xAE60
SET_MSRS, MSR_APIC_BASE = 0x4008AE89, 0x1b
kvm = os.open("/dev/kvm", os.O_RDWR)
apic_vm, plain_vm = (fcntl.ioctl(kvm, CREATE_VM, 0) for _ in range(2))
fcntl.ioctl(apic_vm, CREATE_IRQCHIP, 0)
sw_off, hw_off = (fcntl.ioctl(apic_vm, CREATE_VCPU, i) for i in range(2))
msrs = bytearray(struct.pack("IIIIQ", 1, 0, MSR_APIC_BASE, 0, 0))
if fcntl.ioctl(hw_off, SET_MSRS, msrs, True) != 1:
    sys.exit("lab: the keeper could not disable an APIC")
no_apic = fcntl.ioctl(plain_vm, CREATE_VCPU, 0)
open(sys.argv[1], "w").close()
while True:
    time.sleep(3600)
' {ready}
"""

CMD = """\
i=0
while [ ! -e {ready} ]; do
    i=$((i + 1)); [ $i -gt 300 ] && {{ echo "lab: the keeper did not start" >&2; exit 125; }}
    sleep 0.1
done
# The lab boots on one CPU (maxcpus=1) and brings the others up only now,
# after the keeper has flipped KVM's static keys for good.
for f in /sys/devices/system/cpu/cpu[0-9]*/online; do
    echo 1 > "$f"
done 2>/dev/null
{env}
export VMI_LAB=1
cd {cwd} || exit 125
exec {argv}
"""


def write_run(rundir, argv, keeper=KEEPER):
    """The run directory's keeper (started first, in the background; it
    creates keeper.ready when the VM is ready for CMD) and cmd scripts."""
    ready = os.path.join(rundir, "keeper.ready")
    env = "\n".join(f"export {k}={shlex.quote(v)}" for k, v in
                    sorted(os.environ.items())
                    if k not in ENV_DROP and k.isidentifier())
    with open(os.path.join(rundir, "keeper"), "w") as f:
        f.write(keeper.format(ready=shlex.quote(ready)))
    with open(os.path.join(rundir, "cmd"), "w") as f:
        f.write(CMD.format(ready=shlex.quote(ready), env=env,
                           cwd=shlex.quote(os.getcwd()),
                           argv=" ".join(shlex.quote(a) for a in argv)))


def kernel_args(rundir, extra="", share=None):
    """The command line of the lab's Linux (lab-init reads the vmi_lab_*).
    tsc=reliable: QEMU's TCG derives every vCPU's TSC from the host's, but
    Linux's boot-time sync check fails under TCG and marks it unstable
    (docs/lab.md); KVM then moves each guest vCPU's TSC offset at every
    load, so its guests' TSCs drift apart, unlike on the hardware KVMs
    users have."""
    share = f"vmi_lab_share={share}" if share else ""
    return (f"loglevel=4 panic=-1 tsc=reliable vmi_lab_run={rundir} {share} "
            f"{extra}").strip()


def share_argv(share):
    """QEMU's arguments for --share: the 9p export lab-init mounts."""
    if not share:
        return []
    return ["-virtfs", f"local,path={share},mount_tag=labshare,"
                       "security_model=none"]


def qemu_argv(vmlinuz, initrd, rundir, cpus, mem, log, boot=None, share=None):
    """QEMU's command line; (boot) replaces the -kernel/-initrd/-append
    of Linux booted directly (the Xen lab boots Xen instead)."""
    if boot is None:
        boot = ["-kernel", vmlinuz, "-initrd", initrd,
                "-append", "console=ttyS0 maxcpus=1 " +
                kernel_args(rundir, share=share)]
    return ["qemu-system-x86_64", "-accel", "tcg,thread=multi",
            # QEMU 7.2's TCG checks SMAP wrongly on IRET to CPL3 (QEMU
            # issue #249); the lab's guests do not need SMAP.
            "-cpu", "max,-smap", "-smp", str(cpus), "-m", str(mem),
            "-nodefaults", "-no-reboot", "-display", "none"] + boot + [
            "-serial", f"file:{log}",
            "-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,"
                       "readonly=on,multidevs=remap",
            "-virtfs", f"local,path={rundir},mount_tag=labrun,"
                       "security_model=none",
            "-device", "virtio-serial-pci",
            "-chardev", "stdio,id=out,signal=off",
            "-device", "virtconsole,chardev=out",
            # append=on: QEMU opens the path anew, and without O_APPEND a
            # stderr redirected to a file (2>&1 > log) would be truncated.
            "-chardev", "file,id=err,path=/dev/stderr,append=on",
            "-device", "virtconsole,chardev=err"] + share_argv(share)


def heartbeat(rundir):
    try:
        return os.path.getmtime(os.path.join(rundir, "heartbeat"))
    except OSError:
        return None


def check_share(share):
    """(share) as an absolute path, or exit 125 saying why it cannot be."""
    if not share:
        return None
    share = os.path.abspath(share)
    if not os.path.isdir(share) or any(c.isspace() for c in share):
        die(f"--share {share}: not a directory, or has a space in its path")
    return share


def run(argv, cpus, mem, timeout, share=None):
    vmlinuz, initrd = prepare()
    share = check_share(share)
    rundir = tempfile.mkdtemp(prefix="vmi-lab.", dir="/tmp")
    log = os.path.join(rundir, "console.log")
    write_run(rundir, argv)
    return run_vm(qemu_argv(vmlinuz, initrd, rundir, cpus, mem, log,
                            share=share), rundir, log, timeout)


def run_vm(qemu, rundir, log, timeout, keep=False):
    """Run the lab VM (qemu) on the run directory written by write_run,
    watch its heartbeat and (timeout), and return CMD's status or the
    lab's own; the run directory is removed unless the run failed or
    (keep).  The VM's serial log is (log)."""
    proc = subprocess.Popen(qemu, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    start = time.monotonic()
    why = None
    while proc.poll() is None:
        time.sleep(0.5)
        now = time.monotonic()
        beat = heartbeat(rundir)
        if timeout and now - start > timeout:
            why = f"ran past --timeout {timeout} s"
        elif beat is None and now - start > STALL_SECONDS:
            why = f"did not start within {STALL_SECONDS} s"
        elif beat is not None and time.time() - beat > STALL_SECONDS:
            why = f"stalled: no heartbeat for {STALL_SECONDS} s"
        if why:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
    status = read_status(rundir)
    if why:
        print(f"lab: {why}; killed (console: {log})", file=sys.stderr)
        return LAB_KILLED
    if status is None:
        lines = open(log, errors="replace").read().strip().splitlines()
        panic = [ln for ln in lines if "Kernel panic" in ln]
        print(f"lab: the VM ended without a status (QEMU {proc.returncode}); "
              f"console: {log}: " + " | ".join(panic[:1] or lines[-3:]),
              file=sys.stderr)
        return LAB_SETUP_FAILED
    if not keep:
        shutil.rmtree(rundir, ignore_errors=True)
    return status


def read_status(rundir):
    try:
        with open(os.path.join(rundir, "status")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def vm_parser(prog, description, mem, mem_help, prepare_help):
    """The options every lab VM takes (scripts/lab, scripts/xenlab); the
    caller adds its own, then calls vm_main."""
    ap = argparse.ArgumentParser(prog=prog, description=description)
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--mem", type=int, default=mem, help=mem_help)
    ap.add_argument("--timeout", type=int, default=0,
                    help="kill the lab after this many seconds (0: never)")
    ap.add_argument("--prepare", action="store_true", help=prepare_help)
    ap.add_argument("argv", nargs="*")
    return ap


def vm_main(ap, prepare_fn, run_fn):
    """Parse (ap); --prepare only prepares, else run_fn(args) runs CMD."""
    args = ap.parse_args()
    if args.prepare:
        prepare_fn()
        return 0
    if not args.argv:
        ap.error(f"no command ({ap.prog} -- CMD ...)")
    return run_fn(args)


def main():
    ap = vm_parser("scripts/lab", "Run a command in the lab VM, which has a "
                   "real /dev/kvm on any host.", 3072, "MiB",
                   "only fetch and build the lab's kernel and initramfs")
    ap.add_argument("--share", metavar="DIR",
                    help="make the host's DIR writable in the lab, at the "
                    "same path (everything else is read-only)")
    return vm_main(ap, prepare, lambda a: run(a.argv, a.cpus, a.mem,
                                              a.timeout, a.share))


if __name__ == "__main__":
    sys.exit(main())
