#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/xenlab.py: the Xen lab, real Xen 4.17 with a Linux dom0 on any
machine.

    scripts/xenlab [--cpus N] [--mem MiB] [--timeout S] [--xen-log FILE] \\
        -- CMD [ARG...]

boots Debian's Xen hypervisor under QEMU TCG (whose emulated AMD SVM with
nested paging gives Xen HVM with HAP), with Debian's own Linux kernel as
its PV dom0, starts xenstored and xenconsoled there, and runs CMD in dom0
with the host's files at the same paths, like scripts/lab (docs/lab.md,
"Real Xen").  CMD's stdout, stderr and exit status are ours; the lab's
own statuses are scripts/lab's (125 setup, 124 killed).  Xen's serial
log (Xen's own messages, dom0's console, and every guest's port 0xe9
writes as "(dN) ...") goes to --xen-log, or is dropped after a run that
succeeded.

Inside dom0, scripts/xendomu.py runs kernel images as PVH domUs.

The hypervisor, the tools and their libraries come from Debian's archive
as .deb files unpacked into build/lab/xen-root (dpkg-deb -x: no
maintainer scripts run, nothing is installed on the host); the tree is laid
over dom0's view of the host's root.  The kernel, busybox and the
initramfs's init are scripts/lab's."""

import gzip
import os
import shutil
import sys
import tempfile

import lab

XEN_ROOT = os.path.join(lab.LAB, "xen-root")
XEN_DEBS = os.path.join(lab.LAB, "xen-debs")
XEN_ELF = os.path.join(lab.LAB, "xen.elf")
XEN_VERSION = "4.17"

# The hypervisor, the toolstack (xl, xenstored, xenconsoled: xen-utils),
# the hotplug scripts and xl.conf (xen-utils-common), xenstore-read and
# friends (xenstore-utils) and the libraries they need that a plain Debian
# host lacks (apt-cache depends xen-utils-4.17 libxenmisc4.17).
XEN_PACKAGES = [f"xen-hypervisor-{XEN_VERSION}-amd64", f"xen-utils-{XEN_VERSION}",
                "xen-utils-common", "xenstore-utils", f"libxenmisc{XEN_VERSION}",
                "libxencall1", "libxenevtchn1", "libxenforeignmemory1",
                "libxengnttab1", "libxenstore4", "libxentoollog1",
                "libxendevicemodel1", "libxenhypfs1", "libyajl2"]

# dom0's modules: scripts/lab's virtio, 9p and overlay, then the Xen
# devices the toolstack opens (/dev/xen/evtchn, gntdev, gntalloc,
# privcmd) and xenfs for /proc/xen.  Debian's kernel has the rest of
# dom0 (CONFIG_XEN_DOM0, the PV console hvc0, xenbus, the balloon) built in.
XEN_MODULES = [m for m in lab.MODULES
               if m not in ("irqbypass", "kvm", "ccp", "kvm-amd")] + \
    ["xen-evtchn", "xen-gntdev", "xen-gntalloc", "xen-privcmd", "xenfs"]

# Xen's command line (docs.xenproject.org, "Xen Hypervisor Command Line
# Options"): dom0 gets a fixed 1 GiB, so xl never balloons it; Xen's
# console is the first serial port, which QEMU writes to the log; every
# message of Xen and of guests is kept (guest_loglvl=all makes a guest's
# port 0xe9 writes appear as "(dN) ..."), and the console ring that
# `xl dmesg` reads is large enough for a whole batch of guests.
XEN_ARGS = ("dom0_mem=1024M,max:1024M console=com1 com1=115200,8n1 "
            "loglvl=all guest_loglvl=all conring_size=4M noreboot")

# dom0's Linux: Xen's console is hvc0 (so lab-init's messages go there and
# the virtio consoles become hvc1 and hvc2); /proc/xen proves a dom0.
DOM0_ARGS = ("console=hvc0 vmi_lab_say=hvc0 vmi_lab_out=hvc1 vmi_lab_err=hvc2 "
             "vmi_lab_need=/proc/xen vmi_lab_lower=1")

# The keeper of the Xen lab: dom0's Xen daemons, the way Debian's
# /etc/init.d/xen and Xen's launch-xenstore start them: xenfs on /proc/xen,
# the C xenstored, xen-init-dom0 (dom0's own xenstore entries), then
# xenconsoled logging every guest's console to /var/log/xen/console.
KEEPER = """\
exec > /dev/hvc0 2>&1
say() {{ echo "xenlab: $*"; }}
mount -t xenfs xenfs /proc/xen || {{ say "cannot mount xenfs"; exit 1; }}
grep -q control_d /proc/xen/capabilities || {{ say "not dom0"; exit 1; }}
mkdir -p /run/xen /run/xenstored /var/lib/xen /var/lib/xenstored \\
    /var/log/xen/console
BIN=/usr/lib/xen-@V@/bin
$BIN/xenstored --pid-file /run/xen/xenstored.pid || {{ say "xenstored failed"; exit 1; }}
i=0
until xenstore-read / > /dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 300 ] && {{ say "xenstored does not answer"; exit 1; }}
    sleep 0.1
done
$BIN/xen-init-dom0 || {{ say "xen-init-dom0 failed"; exit 1; }}
$BIN/xenconsoled --pid-file=/run/xen/xenconsoled.pid --log=guest \\
    --log-dir=/var/log/xen/console || {{ say "xenconsoled failed"; exit 1; }}
touch {ready}
exec sleep 2147483647
""".replace("@V@", XEN_VERSION)


def prepare():
    """Xen, dom0's kernel and initramfs, and the tools' tree, made once
    into build/lab."""
    if shutil.which("qemu-system-x86_64") is None:
        lab.die("qemu-system-x86_64 is not installed (scripts/setup)")
    with lab.build_lock():
        root = lab.unpack_packages()
        vmlinuz, moddir = lab.kernel_files(root)
        lab.unpack_debs(XEN_PACKAGES, XEN_ROOT, XEN_DEBS,
                        os.path.join("usr", "lib", f"xen-{XEN_VERSION}", "bin",
                                     "xl"))
        gz = os.path.join(XEN_ROOT, "boot", f"xen-{XEN_VERSION}-amd64.gz")
        if not os.path.exists(XEN_ELF) or \
                os.path.getmtime(XEN_ELF) < os.path.getmtime(gz):
            # QEMU's multiboot loader takes the ELF32 image, not its gzip.
            with gzip.open(gz) as src, open(XEN_ELF + ".tmp", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.replace(XEN_ELF + ".tmp", XEN_ELF)
        initrd = lab.make_initramfs(root, moddir, XEN_MODULES,
                                    "initramfs-xen.cpio", [__file__])
        return vmlinuz, initrd


def qemu_argv(vmlinuz, initrd, rundir, cpus, mem, log):
    # QEMU's multiboot loader (-kernel with a multiboot image): -append is
    # Xen's command line and each comma-separated -initrd entry is a module,
    # "file args": dom0's kernel first, then its initramfs.
    for path in (vmlinuz, initrd, rundir):
        if "," in path or " " in path:
            lab.die(f"a comma or space in {path} would split QEMU's "
                    "multiboot module list")
    dom0 = lab.kernel_args(rundir, DOM0_ARGS)
    boot = ["-kernel", XEN_ELF, "-append", XEN_ARGS,
            "-initrd", f"{vmlinuz} {dom0},{initrd}",
            "-virtfs", f"local,path={XEN_ROOT},mount_tag=lablower,"
                       "security_model=none,readonly=on,multidevs=remap",
            # A machine reset (Xen's own triple fault: QEMU -no-reboot then
            # exits 0 without a word) leaves the CPU state here.
            "-d", "cpu_reset", "-D", os.path.join(rundir, "qemu.log")]
    return lab.qemu_argv(vmlinuz, initrd, rundir, cpus, mem, log, boot)


def run(argv, cpus, mem, timeout, xen_log=None):
    vmlinuz, initrd = prepare()
    rundir = tempfile.mkdtemp(prefix="vmi-xenlab.", dir="/tmp")
    log = os.path.join(rundir, "console.log")
    lab.write_run(rundir, argv, KEEPER)
    status = lab.run_vm(qemu_argv(vmlinuz, initrd, rundir, cpus, mem, log),
                        rundir, log, timeout, keep=True)
    if xen_log:
        shutil.copyfile(log, xen_log)
    if status not in (lab.LAB_SETUP_FAILED, lab.LAB_KILLED):
        shutil.rmtree(rundir, ignore_errors=True)
    return status


def main():
    ap = lab.vm_parser("scripts/xenlab", "Run a command in dom0 of real Xen "
                       "under QEMU TCG (scripts/xendomu.py runs guests there).",
                       2048, "MiB (dom0 has 1024; the rest is for guests)",
                       "only fetch and build Xen, dom0 and the tools' tree")
    ap.add_argument("--xen-log", help="copy Xen's serial log here")
    return lab.vm_main(ap, prepare, lambda a: run(a.argv, a.cpus, a.mem,
                                                  a.timeout, a.xen_log))


if __name__ == "__main__":
    sys.exit(main())
