#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""run_hello.py: what `meson install` gives a kernel outside this tree.

Installs the build into a temporary DESTDIR, copies examples/hello out of
the source tree, builds it both ways, with its Makefile (pkg-config only)
and with its meson.build (dependency('vmi-<backend>')), one image per
backend each, and checks that no command names the source or build tree.

  --check       a fresh install and build, then: versions in the .pc files,
                the installed vmi-run and vmi-mkiso, and the link-time check
                of the kernel's side of the contract (a kernel without
                vmi_event or vmi_main fails to link, naming what is missing)
  --env ENV     boot every image that must run in ENV (scripts/vmienv.py
                runs_on) there: exit code 42 and its two lines (for auto,
                also every call site patched).  SKIP (77,
                one line) when this machine lacks ENV.
  --iso MEDIUM  also: the installed vmi-mkiso makes an ISO of the native
                image, booted in MEDIUM (vmienv.MEDIA) to exit code 42
Without --check the install and the images are kept in a cache under
$TMPDIR, keyed by the content of every file `meson install` would install
and of the example, and shared (under a lock) by the runs of one build:
inside the lab a build costs a minute.
Exit status: 0 pass, 1 fail, 77 skip."""
import argparse
import fcntl
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import demo_check  # noqa: E402  (the auto backend's line on patching)
import vmienv  # noqa: E402  (environments shared with demo and conformance)

HELLO_CODE = 42          # examples/hello/hello.c EXIT_CODE
PASS, FAIL, SKIP = 0, 1, 77


class Failed(Exception):
    pass


def run(argv, env=None, cwd=None, expect=0):
    p = subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if expect is not None and p.returncode != expect:
        raise Failed("%s: status %d, want %d\n%s" % (" ".join(argv), p.returncode,
                                                      expect, p.stdout))
    return p


def no_tree_paths(what, text, build):
    for tree in (ROOT, os.path.realpath(build)):
        if tree in text:
            raise Failed(f"{what} names {tree}:\n{text}")


def install_and_build(build, work):
    """Install into work/destdir and build the example both ways; return
    (pkg-config environment, {way: {backend: image}})."""
    dest = os.path.join(work, "destdir")
    run(["meson", "install", "-C", build, "--destdir", dest, "--no-rebuild",
         "--quiet"])
    pcs = glob.glob(os.path.join(dest, "**", "pkgconfig", "vmi-native.pc"),
                    recursive=True)
    if len(pcs) != 1:
        raise Failed(f"want one vmi-native.pc under {dest}, found {pcs}")
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]))
    for b in vmienv.backends():
        flags = run(["pkg-config", "--cflags", "--libs", f"vmi-{b}"], env).stdout
        flags += run(["pkg-config", "--variable=ldflags", f"vmi-{b}"], env).stdout
        no_tree_paths(f"pkg-config for vmi-{b}", flags, build)
    src = os.path.join(work, "hello")
    shutil.copytree(os.path.join(ROOT, "examples", "hello"), src)
    for old in glob.glob(os.path.join(src, "*.elf")):
        os.unlink(old)
    out = run(["make", "-C", src, "PKG_CONFIG_PATH=" + env["PKG_CONFIG_PATH"]],
              env).stdout
    no_tree_paths("make", out, build)
    mbuild = os.path.join(work, "hello-meson")
    run(["meson", "setup", mbuild, src], env)
    run(["ninja", "-C", mbuild], env)
    cmds = run(["ninja", "-C", mbuild, "-t", "commands"], env).stdout
    no_tree_paths("meson's commands", cmds, build)
    images = {"make": {}, "meson": {}}
    for b in vmienv.backends():
        images["make"][b] = os.path.join(src, f"hello-{b}.elf")
        images["meson"][b] = os.path.join(mbuild, f"hello-{b}.elf")
    for way in images.values():
        for img in way.values():
            if not os.path.isfile(img):
                raise Failed(f"{img} was not built")
    n = len(vmienv.backends())
    print(f"built {n} images with make and {n} "
          f"with meson against {os.path.dirname(pcs[0])}")
    return env, images, dest


def install_key(build):
    """A digest of what `meson install` would install, and of the example."""
    installed = json.loads(run(["meson", "introspect", "--installed",
                                build]).stdout)
    h = hashlib.sha256()
    example = os.path.join(ROOT, "examples", "hello")
    files = sorted(installed.items()) + [
        (os.path.join(example, f), f) for f in sorted(os.listdir(example))
        if not f.endswith(".elf")]
    for src, dest in files:
        h.update(f"{src}\0{dest}\0".encode())
        with open(src, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def cached_build(build):
    """install_and_build in the cache directory of this build, reused while
    install_key() is unchanged."""
    tag = hashlib.sha256(os.path.realpath(build).encode()).hexdigest()[:12]
    cache = os.path.join(tempfile.gettempdir(), f"vmi-hello-{tag}")
    os.makedirs(cache, exist_ok=True)
    with open(cache + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        key = install_key(build)
        stamp = os.path.join(cache, "key")
        if os.path.exists(stamp) and open(stamp).read() == key:
            env = dict(os.environ, PKG_CONFIG_PATH=open(
                os.path.join(cache, "pkg_config_path")).read())
            print(f"reusing the install and images in {cache}")
            return env, json.load(open(os.path.join(cache, "images.json")))
        shutil.rmtree(cache)
        os.makedirs(cache)
        env, images, _ = install_and_build(build, cache)
        open(os.path.join(cache, "pkg_config_path"), "w").write(
            env["PKG_CONFIG_PATH"])
        json.dump(images, open(os.path.join(cache, "images.json"), "w"))
        open(stamp, "w").write(key)
        return env, images


def check(build, env, dest):
    version = run(["meson", "introspect", "--projectinfo", build]).stdout
    want = re.search(r'"version": "([^"]+)"', version).group(1)
    listed = run(["pkg-config", "--variable=backends", "vmi"], env).stdout.split()
    if listed != vmienv.backends():
        raise Failed(f"vmi.pc lists backends {listed}, the build "
                     f"{vmienv.backends()}")
    for b in vmienv.backends():
        got = run(["pkg-config", "--modversion", f"vmi-{b}"], env).stdout.strip()
        if got != want:
            raise Failed(f"vmi-{b}.pc has version {got}, the project {want}")
    hdr = glob.glob(os.path.join(dest, "**", "vmi", "version.h"), recursive=True)
    if not hdr or f'#define VMI_VERSION_STRING "{want}"' not in open(hdr[0]).read():
        raise Failed(f"installed vmi/version.h lacks version {want}")
    bindir = os.path.dirname(run(["pkg-config", "--variable=vmi_run", "vmi-native"],
                                 env).stdout.strip())
    usage = run([os.path.join(bindir, "vmi-run"), "--help"]).stdout
    if "Exit status:" not in usage:
        raise Failed("installed vmi-run --help lists no exit statuses")
    run([os.path.join(bindir, "vmi-mkiso"), "--help"])
    # The kernel's side of the contract, checked by vmi.ld at link time.
    broken = {
        "no-event": ("#include <vmi/boot.h>\n"
                     "void vmi_main(const struct vmi_boot_info *bi)"
                     " { (void)bi; vmi_shutdown(0); }\n",
                     "vmi: the kernel defines no vmi_event"),
        "no-main": ("#include <vmi.h>\nvoid vmi_event(vmi_event_t e) { (void)e; }\n",
                    "vmi: the kernel defines no vmi_main"),
    }
    tmp = os.path.dirname(dest)
    for name, (code, message) in broken.items():
        c = os.path.join(tmp, name + ".c")
        open(c, "w").write(code)
        cmd = "cc $(pkg-config --cflags vmi-kvm) -o %s.elf %s " \
              "$(pkg-config --variable=ldflags vmi-kvm) $(pkg-config --libs vmi-kvm)" \
              % (os.path.join(tmp, name), c)
        out = run(["sh", "-c", cmd], env, expect=None)
        if out.returncode == 0 or message not in out.stdout:
            raise Failed(f"a kernel with {name} linked, or without "
                         f"{message!r}:\n{out.stdout}")
        print(f"link refused ({name}): " + next(
            ln for ln in out.stdout.splitlines() if message in ln).strip())


def boot(images, env_name):
    """How many boots failed, or None if no image of this build can be
    seen to run on env_name."""
    problems = 0
    cells = []
    for b in vmienv.backends():
        if env_name not in vmienv.runs_on(b):
            continue
        why = vmienv.unobservable(b, env_name)
        if why:
            print(f"n/a  hello-{b}.elf on {env_name}: {why}")
            continue
        cells += [(b, way, imgs[b]) for way, imgs in images.items()]
    if not cells:
        print(f"SKIP: no backend of this build can be seen to run on "
              f"{env_name}")
        return None
    # Real Xen boots once for all the images (one boot each would not fit
    # the test's time limit).
    if env_name in vmienv.BATCHED:
        vmienv.prefetch(env_name, [(img, 1, "") for _, _, img in cells], 60)
    for b, way, img in cells:
        res = vmienv.run(img, env_name, cpus=1, timeout=60)
        ok = res.code == HELLO_CODE and \
            re.search(r"^hello: vmi .*, backend %s," %
                      vmienv.chosen(b, env_name), res.output, re.M) and \
            re.search(r"^hello: alarm after \d+ us", res.output, re.M)
        # vmi-auto.pc's flags give the kernel patchable call sites.
        bad = demo_check.patch_problems(res.output) if b == "auto" else []
        ok = ok and not bad
        print("%s hello-%s.elf (%s) on %s: code %s, %.1f s%s" % (
            "ok  " if ok else "FAIL", b, way, env_name, res.code, res.seconds,
            "" if res.note is None else ", " + res.note))
        if not ok:
            problems += 1
            sys.stdout.write(res.output + "".join(p + "\n" for p in bad))
    return problems


def boot_iso(images, env, medium):
    mkiso = run(["pkg-config", "--variable=vmi_mkiso", "vmi-native"],
                env).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="vmi-hello-iso-") as tmp:
        iso = os.path.join(tmp, "hello.iso")
        run([mkiso, images["make"]["native"], iso, "hello=iso"])
        res = vmienv.run(iso, medium, cpus=1, timeout=120)
    ok = res.code == HELLO_CODE and "booted by multiboot2" in res.output
    print("%s hello-native.elf from %s on %s: code %s, %.1f s" % (
        "ok  " if ok else "FAIL", os.path.basename(iso), medium, res.code,
        res.seconds))
    if not ok:
        sys.stdout.write(res.output)
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--env")
    ap.add_argument("--iso", choices=sorted(vmienv.MEDIA))
    ap.add_argument("--list-envs", action="store_true")
    args = ap.parse_args()
    if args.list_envs:
        print("\n".join(vmienv.ENVIRONMENTS))
        return PASS
    vmienv.set_build(args.build)
    for need in (args.env, args.iso):
        why = need and vmienv.missing(need)
        if why:
            print(f"SKIP: {need}: {why}")
            return SKIP
    for tool in ("pkg-config", "make", "cc"):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} not installed")
            return SKIP
    try:
        if args.check:
            with tempfile.TemporaryDirectory(prefix="vmi-hello-") as work:
                env, images, dest = install_and_build(args.build, work)
                check(args.build, env, dest)
                return PASS
        env, images = cached_build(args.build)
        bad = boot(images, args.env) if args.env else 0
        if bad is None:
            return SKIP
        if bad:
            return FAIL
        if args.iso and boot_iso(images, env, args.iso):
            return FAIL
    except Failed as exc:
        print(f"FAIL: {exc}")
        return FAIL
    return PASS


if __name__ == "__main__":
    sys.exit(main())
