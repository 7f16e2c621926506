#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/xendomu.py: run vmi kernel images as PVH domUs of real Xen, from
dom0 (scripts/xenlab.py; docs/lab.md, "Real Xen").

    xendomu.py [--cpus N] [--mem MiB] [--cmdline S] [--timeout S] IMAGE
    xendomu.py --batch JSON

With one IMAGE: print the guest's console on stdout, Xen's log lines of
the run on stderr with one summary line, and exit with the guest's code
the way vmi-run does (docs/vmi-run.md):
    N    the last "vmi: exit N" line, when the guest shut down with
         SHUTDOWN_crash, _watchdog or _reboot (the xen backend prints that
         line before SCHEDOP_shutdown with any code but 0; the others
         before the triple fault that Xen reports as a reboot)
    0    SHUTDOWN_poweroff
    5    SHUTDOWN_crash or SHUTDOWN_watchdog without that line (VMI_EXIT_CRASH)
    6    SHUTDOWN_reboot (VMI_EXIT_REBOOT)
    70   SHUTDOWN_suspend or an unknown reason
    71   xl could not create the domain
    124  no shutdown within --timeout: the domain is destroyed
The "vmi: exit N" line counts from the console or from the guest's own
lines in Xen's log (port 0xe9, shown as "(dN) ..."), where the backends
also write their last words: a PVH domU of an image for another
hypervisor has no console but that port.
With --batch, JSON is a list of {"image", "cpus", "cmdline", "mem",
"timeout"} objects, run one after another; each result is printed as one
line "xendomu-result: {json}" with the job's fields and "code", "reason",
"console", "debug" (the port 0xe9 lines), "xen_log", "note", "seconds",
"domid"; the exit status is 0.

Each domU is created paused (xl create -p) with every shutdown action
"preserve" (xl.cfg(5): on_poweroff, on_reboot, on_crash, on_watchdog),
unpaused only once xenconsoled has opened its log (so no output is lost
to a console nobody reads), and destroyed only after its shutdown
reason has been read and its console log has stopped growing."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import vmienv  # the exit codes, read from include/vmi/abi.h and mon_exit.h

XL = "/usr/sbin/xl"
XC_PATH = "/usr/lib/xen-4.17/lib/python"
CONSOLE_DIR = "/var/log/xen/console"     # xenconsoled --log-dir (xenlab.py)
POLL = 0.05

# SHUTDOWN_* (xen/include/public/sched.h) -> name; the vmi-run code of
# each is in code_of().
REASONS = {0: "poweroff", 1: "reboot", 2: "suspend", 3: "crash",
           4: "watchdog", 5: "soft_reset"}
EXIT_CRASH, EXIT_REBOOT = vmienv.EXIT_CRASH, vmienv.EXIT_REBOOT
STOPPED, HOST_ERROR = vmienv.VMI_RUN_GUEST_FAULT, vmienv.VMI_RUN_HOST_ERROR
TIMEOUT = vmienv.VMI_RUN_TIMEOUT
EXIT_LINE = re.compile(r"^vmi: exit (\d+)\s*$", re.M)
# Xen prints what an HVM or PVH guest writes to I/O port 0xe9 as "(dN) line"
# in its own log, when guest_loglvl lets debug messages through
# (xen/arch/x86/hvm/hvm.c, hvm_print_line; xen-command-line(7)).
DEBUG_LINE = re.compile(r"^\(d(\d+)\) (?:\[[^\]]*\] )?(.*)$")


def debug_port_lines(xen_log, domid):
    """What domain (domid) wrote to port 0xe9, from Xen's log."""
    out = []
    for line in xen_log.splitlines():
        m = DEBUG_LINE.match(line)
        if m and int(m.group(1)) == domid:
            out.append(m.group(2) + "\n")
    return "".join(out)


def xl(*args, check=False):
    res = subprocess.run([XL] + list(args), stdin=subprocess.DEVNULL,
                         capture_output=True, text=True)
    if check and res.returncode != 0:
        raise RuntimeError(f"xl {' '.join(args)}: {res.stderr.strip()}")
    return res


def xc_handle():
    """Xen's own Python binding of libxenctrl (xen-utils), which asks the
    hypervisor in-process; each xl run costs seconds in dom0 under TCG."""
    sys.path.insert(0, XC_PATH)
    try:
        import xen.lowlevel.xc as xc
        return xc.xc()
    except Exception:       # no binding for this Python: xl list it is
        return None
    finally:
        sys.path.remove(XC_PATH)


XC = None


def xc_getinfo(first, n):
    """libxenctrl's domain_getinfo(first, n), or None if it raised.  Seen
    once in the lab, under load: EACCES while a domain ran.  The callers
    then ask xl, as without the binding; the first failure is reported."""
    global XC_FAILED
    try:
        return XC.domain_getinfo(first, n)
    except Exception as e:
        if not XC_FAILED:
            print(f"xendomu: domain_getinfo: {e}; asking xl", file=sys.stderr)
        XC_FAILED = True
        return None


XC_FAILED = False


def shutdown_reason(name, domid):
    """(state, reason) of the domain: reason is None while it runs; state
    is None once it is gone.  From libxenctrl's domain info, or from
    `xl list -v`, whose columns are Name ID Mem VCPUs State Time(s) UUID
    Reason-Code Security-Label."""
    if XC is not None and domid is not None:
        info = xc_getinfo(domid, 1)
        if info is not None:
            if not info or info[0]["domid"] != domid:
                return None, None
            if info[0]["shutdown"] or info[0]["crashed"]:
                return "s", info[0]["shutdown_reason"]
            return "r", None
    res = xl("list", "-v", name)
    if res.returncode != 0:
        return None, None
    for line in res.stdout.splitlines()[1:]:
        words = line.split()
        if words and words[0] == name and len(words) >= 8:
            state, code = words[4], words[7]
            if "s" in state or "c" in state:
                return state, int(code) if code.lstrip("-").isdigit() else -1
            return state, None
    return None, None


# Every program started in dom0 costs seconds (a PV dom0 under QEMU's TCG:
# docs/lab.md), so each step below asks the hypervisor through the binding
# when there is one, and runs xl only for what needs libxl: creating the
# domain.

def domains():
    """The domids that exist now."""
    info = xc_getinfo(0, 1 << 15) if XC is not None else None
    if info is not None:
        return {d["domid"] for d in info}
    res = xl("list")
    return {int(w[1]) for w in (l.split() for l in res.stdout.splitlines()[1:])
            if len(w) > 1 and w[1].isdigit()}


def domid_of(name, before):
    """The domain just created: the one domid not in (before), or xl's
    answer for (name)."""
    if XC is not None:
        new = domains() - before
        if len(new) == 1:
            return new.pop()
    out = xl("domid", name).stdout.strip()
    return int(out) if out.isdigit() else None


def unpause(name, domid):
    if XC is not None:
        XC.domain_unpause(domid)
    else:
        xl("unpause", name, check=True)


def destroy(name, domid):
    """Destroy the domain.  Through the binding, libxl's xenstore entries
    for it stay behind (xenconsoled and xenstored clean up on the
    domain's release): a few per domU, for the life of one Xen boot."""
    if XC is not None and domid is not None:
        try:
            XC.domain_destroy(domid)
            return
        except Exception:
            pass
    xl("destroy", name)


def take_xen_log():
    """Xen's log since the last call, which it then forgets."""
    if XC is not None:
        text = XC.readconsolering(clear=True)
        return text.decode(errors="replace") if isinstance(text, bytes) else text
    return xl("dmesg", "-c").stdout


def code_of(reason, console):
    """The vmi-run status for a shutdown (reason) after (console).  A
    "vmi: exit N" line counts for every reason but poweroff: the backends
    print it before SHUTDOWN_crash (xen) or before the triple fault that
    ends a refusal or a crash elsewhere, which Xen reports as a reboot
    (HVM_PARAM_TRIPLE_FAULT_REASON defaults to SHUTDOWN_reboot,
    xen/include/public/hvm/params.h)."""
    if reason == 0:
        return 0, None
    m = EXIT_LINE.findall(console)
    if m and reason in (1, 3, 4):
        return int(m[-1]), None
    if reason in (3, 4):
        return EXIT_CRASH, f"{REASONS[reason]} without a 'vmi: exit N' line"
    if reason == 1:
        return EXIT_REBOOT, None
    return STOPPED, f"shutdown reason {reason} ({REASONS.get(reason, '?')})"


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def settle(path, wait=1.0):
    """The log at path once it has not grown for three polls in a row, or
    after (wait) seconds."""
    end = time.monotonic() + wait
    last, same = None, 0
    while time.monotonic() < end:
        data = read(path)
        same = same + 1 if data == last else 0
        if same >= 3:
            break
        last = data
        time.sleep(POLL)
    return read(path)


def run_one(job, serial):
    image = os.path.abspath(job["image"])
    cpus, mem = int(job.get("cpus", 1)), int(job.get("mem", 64))
    cmdline, timeout = job.get("cmdline", ""), float(job.get("timeout", 60))
    name = f"vmi-{os.getpid()}-{serial}"
    out = dict(job, image=image, cpus=cpus, mem=mem, cmdline=cmdline,
               name=name, domid=None, reason=None, code=None, note=None,
               console="", debug="", xen_log="", seconds=None)
    log = os.path.join(CONSOLE_DIR, f"guest-{name}.log")
    cfg = tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False)
    # xl.cfg(5): a PVH guest booted straight from an ELF with a PVH entry
    # note; every shutdown kept for us to read ("preserve");
    # max_event_channels up to the 2-level limit (ports 1-4095, as
    # vmi-run offers; xl's default is 1023).
    cfg.write(f'name = "{name}"\ntype = "pvh"\nkernel = "{image}"\n'
              f'cmdline = {json.dumps(cmdline)}\nmemory = {mem}\n'
              f'vcpus = {cpus}\non_poweroff = "preserve"\n'
              'on_reboot = "preserve"\non_crash = "preserve"\n'
              'on_watchdog = "preserve"\non_soft_reset = "preserve"\n'
              'max_event_channels = 4095\n')
    cfg.close()
    take_xen_log()                      # Xen's log from here on is this run's
    before = domains()
    res = xl("create", "-p", "-q", cfg.name)
    os.unlink(cfg.name)
    if res.returncode != 0:
        out.update(code=HOST_ERROR, note="xl create failed: " +
                   (res.stderr.strip() or res.stdout.strip()))
        xl("destroy", name)
        out["xen_log"] = take_xen_log()
        return out
    out["domid"] = domid_of(name, before)
    # xenconsoled opens the log when it finds the domain's console ring;
    # a guest unpaused before that would write to a ring nobody reads yet
    # (it would be read later, but a guest that dies early could be lost).
    end = time.monotonic() + 10
    while not os.path.exists(log) and time.monotonic() < end:
        time.sleep(POLL)
    if not os.path.exists(log):
        out["note"] = "xenconsoled opened no log within 10 s"
    start = time.monotonic()
    unpause(name, out["domid"])
    state = reason = None
    while time.monotonic() - start < timeout:
        state, reason = shutdown_reason(name, out["domid"])
        if state is None or reason is not None:
            break
        time.sleep(POLL)
    out["seconds"] = round(time.monotonic() - start, 3)
    # Bytes as latin-1 code points: JSON carries them exactly.
    console = settle(log).decode("latin-1")
    out["console"] = console
    if state is None:
        out.update(code=HOST_ERROR, note="the domain vanished")
    elif reason is None:
        out.update(code=TIMEOUT, note=f"no shutdown within {timeout:g} s; destroyed")
    destroy(name, out["domid"])
    out["xen_log"] = take_xen_log()
    out["debug"] = debug_port_lines(out["xen_log"], out["domid"])
    if state is not None and reason is not None:
        out["reason"] = REASONS.get(reason, str(reason))
        code, note = code_of(reason, console + out["debug"])
        out["code"] = code
        out["note"] = note or out["note"]
    try:
        os.unlink(log)
    except OSError:
        pass
    return out


def main():
    ap = argparse.ArgumentParser(prog="xendomu.py", description="Run vmi "
                                 "kernel images as PVH domUs (in dom0).")
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--mem", type=int, default=64, help="MiB")
    ap.add_argument("--cmdline", default="")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--batch", help="a JSON list of jobs")
    ap.add_argument("image", nargs="?")
    args = ap.parse_args()
    global XC
    XC = xc_handle()
    if args.batch is not None:
        for i, job in enumerate(json.loads(args.batch)):
            job.setdefault("timeout", args.timeout)
            job.setdefault("mem", args.mem)
            print("xendomu-result: " + json.dumps(run_one(job, i)), flush=True)
        return 0
    if not args.image:
        ap.error("no IMAGE")
    out = run_one({"image": args.image, "cpus": args.cpus, "mem": args.mem,
                   "cmdline": args.cmdline, "timeout": args.timeout}, 0)
    sys.stdout.buffer.write(out["console"].encode("latin-1"))
    sys.stdout.write(out["debug"])
    sys.stdout.flush()
    sys.stderr.write(out["xen_log"])
    print(f"xendomu: {out['name']} (domain {out['domid']}): reason "
          f"{out['reason']}, exit {out['code']} after {out['seconds']} s"
          + (f" ({out['note']})" if out["note"] else ""), file=sys.stderr)
    return out["code"]


if __name__ == "__main__":
    sys.exit(main())
